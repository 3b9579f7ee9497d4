package io.github.pgsqlrelation.routing;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the routing sends connections to; immutable, replaced as a whole on every change
 * so that a request sees either the old or the new one, never a mix.
 *
 * @param master the master's pool, {@code null} when there is none
 * @param noMasterReason why there is no master; {@code null} when there is one, or before
 * any snapshot was applied
 * @param standbys the standbys' pools
 */
record Topology(@Nullable BackendPool master, @Nullable String noMasterReason, List<BackendPool> standbys) {

	static final Topology INITIAL = new Topology(null, null, List.of());

	Topology {
		standbys = List.copyOf(standbys);
	}

	Topology withMaster(BackendPool master) {
		return new Topology(master, null, this.standbys);
	}

	Topology withoutMaster(String reason) {
		return new Topology(null, reason, this.standbys);
	}

	Topology withStandbys(List<BackendPool> standbys) {
		return new Topology(this.master, this.noMasterReason, standbys);
	}

}
