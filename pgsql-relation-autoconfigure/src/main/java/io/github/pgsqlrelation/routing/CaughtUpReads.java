package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Read-your-writes: finds a standby that has replayed the write a read-only transaction
 * must see. A standby's replay position comes from its last measure (the lag probe's, or
 * an earlier read's) when that is recent enough and far enough, else from one
 * {@code pg_last_wal_replay_lsn()} on the connection the read would use. When no standby
 * has replayed the write, it waits, polling, up to
 * {@link RoutingSettings#readYourWritesWait()}, then uses the master (read-only): the
 * only server sure to have the write.
 * <p>
 * Hand-written: no library knows PostgreSQL's replay positions.
 */
final class CaughtUpReads {

	/** Replay on a prompt standby takes well under a millisecond: look again soon. */
	private static final long FIRST_PAUSE_NANOS = 100_000;

	private static final long MAX_PAUSE_NANOS = 10_000_000;

	private final Router router;

	private final String endpoint;

	private final Duration wait;

	private final long freshNanos;

	CaughtUpReads(Router router, String endpoint, RoutingSettings settings) {
		this.router = router;
		this.endpoint = endpoint;
		this.wait = settings.readYourWritesWait();
		this.freshNanos = settings.standbyLagProbeInterval().toNanos();
	}

	/**
	 * Returns a read-only connection to a standby that has replayed the position, or to
	 * the master once the wait is over.
	 * @param chosen told which standby serves, if one does
	 * @param position the scope's position, lowered when the master has less
	 * @param required what the read must see, more than 0
	 */
	Connection standby(Router.@Nullable StandbyChosen chosen, WritePosition position, long required)
			throws SQLException {
		if (required == WritePosition.UNKNOWN) {
			return master(position, required, "the position of an earlier write on it is unknown");
		}
		long deadline = System.nanoTime() + this.wait.toNanos();
		long pause = FIRST_PAUSE_NANOS;
		while (true) {
			List<BackendPool> standbys = this.router.topology().standbys();
			int count = standbys.size();
			int usable = 0;
			int lagging = 0;
			int first = (count > 0) ? this.router.nextStart(count) : 0;
			for (int i = 0; i < count; i++) {
				BackendPool standby = standbys.get((first + i) % count);
				if (standby.isDown() || standby.isRetired()) {
					continue;
				}
				if (standby.isLagging()) {
					lagging++;
					continue;
				}
				usable++;
				Connection connection = caughtUp(standby, required);
				if (connection != null) {
					return this.router.routed(Router.readOnly(connection), standby, chosen);
				}
			}
			if (usable == 0) {
				// As any read that no standby can serve, with the reason and the fallback
				// setting of that case.
				return this.router.noUsableStandby(count, lagging);
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
				return master(position, required, "no standby replayed the write at " + WalPositions.format(required)
						+ " within read-your-writes-wait (" + this.wait + ")");
			}
			LockSupport.parkNanos(Math.min(pause, remaining));
			pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
		}
	}

	/**
	 * Returns a connection to the standby if it has replayed the position, else
	 * {@code null} (also when its pool is busy or it fails).
	 */
	private @Nullable Connection caughtUp(BackendPool standby, long required) throws SQLException {
		Connection connection;
		try {
			connection = standby.connection();
		}
		catch (SQLException ex) {
			if (Router.serverFailed(ex)) {
				this.router.failed(standby, ex);
			}
			return null;
		}
		if (standby.hasReplayed(required, this.freshNanos)) {
			return connection;
		}
		try {
			long replayed = WalPositions.replayed(connection);
			standby.replayed(replayed);
			if (replayed >= required) {
				return connection;
			}
		}
		catch (SQLException ex) {
			// The next pass asks again; a broken connection fails its pool's validation.
		}
		connection.close();
		return null;
	}

	/**
	 * The master has every write it made. When it has less than the position, the writes
	 * beyond are lost (a failover) or another cluster's: the position drops to the
	 * master's, so that later reads do not wait for what no server will ever have.
	 */
	private Connection master(WritePosition position, long required, String why) throws SQLException {
		Connection connection = this.router.masterForRead(ReadFallbackReason.READ_YOUR_WRITES, why);
		try {
			long master = WalPositions.replayed(connection);
			if (master < required) {
				position.lowerTo(this.endpoint, required, master);
			}
		}
		catch (SQLException ex) {
			// The read runs anyway; the position stays.
		}
		return connection;
	}

}
