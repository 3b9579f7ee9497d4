package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import com.zaxxer.hikari.pool.HikariPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Measures each standby's replay lag behind the master, on the routing's background
 * thread, and tells reads (through {@link BackendPool#lag(StandbyLag)}) which standbys to
 * skip. One probe is one short query on the master and one per standby, on connections
 * borrowed from the routing's own pools with a short timeout: a busy or failing pool is
 * simply not measured this time, and its previous verdict stays. Logs only when a standby
 * starts or stops being skipped.
 * <p>
 * The measure is the replay position against the master's current WAL position, turned
 * into a duration only when the standby is behind, by the age of the last replayed
 * transaction or the time since the previous probe's master position, if replayed (see
 * {@link StandbyLag#measured}).
 */
final class StandbyLagProbe implements Runnable {

	private static final Log logger = LogFactory.getLog(RelationRoutingDataSource.class);

	/** A probe never waits long for a pool that is busy with the application's work. */
	private static final long BORROW_TIMEOUT_MILLIS = 250;

	private static final int QUERY_TIMEOUT_SECONDS = 1;

	private static final String STANDBY_QUERY = "select pg_is_in_recovery(), "
			+ "coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false), "
			+ "coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false), "
			+ "extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8, "
			+ "(pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8";

	/**
	 * Without the master's position: the standby's own received WAL stands in for it,
	 * which still sees WAL that waits to be applied (a slow or delayed replay), not WAL
	 * that has not arrived.
	 */
	private static final String STANDBY_LOCAL_QUERY = "select pg_is_in_recovery(), "
			+ "coalesce(pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn(), false), false, "
			+ "extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8, "
			+ "(pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8";

	private final String endpoint;

	private final Duration maxLag;

	private final Supplier<Topology> topology;

	private final RoutingListener listener;

	/**
	 * The master's position at the previous probe; touched by the probe's thread only.
	 */
	private @Nullable MasterPosition earlier;

	StandbyLagProbe(String endpoint, Duration maxLag, Supplier<Topology> topology, RoutingListener listener) {
		this.endpoint = endpoint;
		this.maxLag = maxLag;
		this.topology = topology;
		this.listener = listener;
	}

	@Override
	public void run() {
		Topology topology = this.topology.get();
		BackendPool master = topology.master();
		if (topology.standbys().isEmpty()) {
			return;
		}
		String lsn = masterPosition(master);
		// Without the master's position (busy, unreachable, during a failover) each
		// standby is judged by what it received, rather than kept skipped while reads
		// could only go to a master that does not answer.
		MasterPosition current = (lsn != null) ? new MasterPosition(lsn, System.nanoTime()) : null;
		MasterPosition earlier = (this.earlier != null) ? this.earlier : current;
		for (BackendPool standby : topology.standbys()) {
			if (!standby.isDown() && !standby.isRetired()) {
				measure(standby, current, earlier);
			}
		}
		this.earlier = current;
	}

	private @Nullable String masterPosition(@Nullable BackendPool master) {
		if (master == null) {
			return null;
		}
		try (Connection connection = borrow(master); Statement statement = connection.createStatement()) {
			statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
			try (ResultSet result = statement.executeQuery("select pg_current_wal_lsn()::text")) {
				return result.next() ? result.getString(1) : null;
			}
		}
		catch (SQLException ex) {
			// Busy, failing, or not a primary right now (during a failover): next time.
			return null;
		}
	}

	private void measure(BackendPool standby, @Nullable MasterPosition current, @Nullable MasterPosition earlier) {
		StandbyLag previous = standby.lag();
		StandbyLag lag;
		try (Connection connection = borrow(standby);
				PreparedStatement statement = connection
					.prepareStatement((current != null) ? STANDBY_QUERY : STANDBY_LOCAL_QUERY)) {
			statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
			if (current != null) {
				statement.setString(1, current.lsn());
				statement.setString(2, (earlier != null) ? earlier.lsn() : current.lsn());
			}
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					return;
				}
				Duration sinceEarlier = (earlier != null && earlier != current && result.getBoolean(3))
						? Duration.ofNanos(System.nanoTime() - earlier.nanoTime()) : null;
				double seconds = result.getDouble(4);
				lag = StandbyLag.measured(previous, result.getBoolean(1), result.getBoolean(2), sinceEarlier,
						result.wasNull() ? null : seconds, this.maxLag);
				long replayed = result.getLong(5);
				if (!result.wasNull() && result.getBoolean(1)) {
					// Read-your-writes uses it and saves a query per read.
					standby.replayed(replayed);
				}
			}
		}
		catch (SQLException ex) {
			return;
		}
		standby.lag(lag);
		this.listener.standbyLagMeasured(standby.backend(), lag.lag(), lag.lagging());
		if (lag.lagging() != previous.lagging()) {
			if (lag.lagging()) {
				logger.warn("Skipping " + standby + " for reads on endpoint '" + this.endpoint + "': it replays "
						+ lag.lag() + " behind the master, more than max-standby-lag " + this.maxLag);
			}
			else {
				logger.info(standby + " caught up with the master (lag " + Objects.toString(lag.lag(), "unknown")
						+ "); reads use it again");
			}
		}
	}

	private static Connection borrow(BackendPool pool) throws SQLException {
		if (pool.pool().getHikariPoolMXBean() instanceof HikariPool hikari) {
			return hikari.getConnection(BORROW_TIMEOUT_MILLIS);
		}
		throw new SQLException("Pool " + pool.backend().name() + " is not started");
	}

	/** The master's WAL position and when it was read ({@link System#nanoTime()}). */
	private record MasterPosition(String lsn, long nanoTime) {

	}

}
