package io.github.pgsqlrelation.relation.pgsql;

import java.util.List;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
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
		@Nullable String database, @Nullable String version) implements RelationEntry {

	ResolvedRelation {
		standbys = List.copyOf(standbys);
	}

	/** The charm applied the readiness rules: what it wrote is ready. */
	@Override
	public RelationSnapshot snapshot() {
		return new RelationSnapshot(this.ref.endpoint(), this.ref, this.master, this.standbys, this.database,
				this.version, Readiness.READY);
	}

}
