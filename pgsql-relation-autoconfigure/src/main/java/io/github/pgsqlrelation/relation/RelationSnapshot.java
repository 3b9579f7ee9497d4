package io.github.pgsqlrelation.relation;

import java.util.List;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.jspecify.annotations.Nullable;

/**
 * What one relation (or the endpoint as a whole) hands out at one moment. When not ready,
 * master is {@code null} and standbys are empty, and {@link #readiness()} says why.
 *
 * @param endpoint the local endpoint name
 * @param relation the relation, {@code null} when the endpoint has none or is ambiguous
 * @param master the master, {@code null} when none is ready
 * @param standbys the hot standbys, in a canonical order (a change of order alone is no
 * change)
 * @param database the relation's database: the one requested, else the one the server
 * published; {@code null} when unknown
 * @param version the server's PostgreSQL version, {@code null} when unknown
 * @param readiness whether the data may be used, and why not
 */
public record RelationSnapshot(String endpoint, @Nullable RelationRef relation, @Nullable ConnectionString master,
		List<ConnectionString> standbys, @Nullable String database, @Nullable String version, Readiness readiness) {

	public RelationSnapshot {
		standbys = List.copyOf(standbys);
	}

	/** Returns an empty snapshot: no master, no standbys, for the given reason. */
	public static RelationSnapshot empty(String endpoint, Readiness readiness) {
		return new RelationSnapshot(endpoint, null, null, List.of(), null, null, readiness);
	}

}
