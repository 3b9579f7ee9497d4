package io.github.pgsqlrelation.relation;

import java.util.List;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.jspecify.annotations.Nullable;

/**
 * A relation in the {@code resolved} shape: the charm already applied the readiness
 * rules.
 *
 * @param ref the relation
 * @param master the master, {@code null} when none
 * @param standbys the standbys, in canonical order
 * @param database the database, {@code null} when not given
 * @param version the server's version, {@code null} when not given
 */
record ResolvedRelation(RelationRef ref, @Nullable ConnectionString master, List<ConnectionString> standbys,
		@Nullable String database, @Nullable String version) implements StateRelation {

	ResolvedRelation {
		standbys = List.copyOf(standbys);
	}

}
