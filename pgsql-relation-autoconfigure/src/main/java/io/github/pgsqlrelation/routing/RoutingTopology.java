package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of what a {@link RelationRoutingDataSource} routes to at one moment,
 * e.g. for an actuator endpoint or a health indicator. Holds no password.
 *
 * @param endpoint the relation endpoint, e.g. {@code db}
 * @param master the master's pool, {@code null} when there is none
 * @param noMasterReason why there is no master, {@code null} when there is one
 * @param standbys the standbys' pools, in the relation's order
 * @param retiring pools that left the routing and finish their transactions before they
 * close
 */
public record RoutingTopology(String endpoint, @Nullable PoolStatus master, @Nullable String noMasterReason,
		List<PoolStatus> standbys, List<PoolStatus> retiring) {

	public RoutingTopology {
		standbys = List.copyOf(standbys);
		retiring = List.copyOf(retiring);
	}

	/**
	 * One pool.
	 *
	 * @param backend the server it connects to
	 * @param pool its live statistics (active, idle, total, waiting threads)
	 * @param available {@code false} while a failing standby is skipped by reads
	 * @param lag a standby's replay lag behind the master at the last probe; {@code null}
	 * for the master, without {@link RoutingSettings#maxStandbyLag() max-standby-lag}, or
	 * before a probe could measure it
	 * @param lagging {@code true} while reads skip a standby whose lag exceeds
	 * {@link RoutingSettings#maxStandbyLag() max-standby-lag}
	 */
	public record PoolStatus(Backend backend, HikariPoolMXBean pool, boolean available, @Nullable Duration lag,
			boolean lagging) {

		/** A pool whose lag is not measured. */
		public PoolStatus(Backend backend, HikariPoolMXBean pool, boolean available) {
			this(backend, pool, available, null, false);
		}

	}

}
