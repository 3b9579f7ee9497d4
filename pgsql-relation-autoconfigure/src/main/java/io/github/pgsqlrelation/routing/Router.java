package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Hands out physical connections by the current topology: writes to the master, reads
 * round-robin over the standbys. The hot path takes no lock and logs nothing; it reads
 * the topology once and sticks to it, except that a master replaced while a request
 * waited is tried again.
 */
final class Router {

	private static final Log logger = LogFactory.getLog(RelationRoutingDataSource.class);

	private final String endpoint;

	private final RoutingSettings settings;

	private final long poolConnectionTimeoutNanos;

	private final RoutingListener listener;

	private final PoolHousekeeper housekeeper;

	private final AtomicInteger next = new AtomicInteger();

	private final @Nullable CaughtUpReads caughtUpReads;

	private volatile Topology topology = Topology.INITIAL;

	/**
	 * Creates a router.
	 * @param poolConnectionTimeout how long a read may wait for a busy standby, in
	 * milliseconds: the application's pool connection timeout
	 */
	Router(String endpoint, RoutingSettings settings, long poolConnectionTimeout, RoutingListener listener,
			PoolHousekeeper housekeeper) {
		this.endpoint = endpoint;
		this.settings = settings;
		this.poolConnectionTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(poolConnectionTimeout);
		this.listener = listener;
		this.housekeeper = housekeeper;
		this.caughtUpReads = settings.readYourWrites() ? new CaughtUpReads(this, endpoint, settings) : null;
	}

	/** Read-your-writes, {@code null} when it is off. */
	@Nullable CaughtUpReads caughtUpReads() {
		return this.caughtUpReads;
	}

	Topology topology() {
		return this.topology;
	}

	void topology(Topology topology) {
		this.topology = topology;
	}

	/** Returns a connection to the master, or fails at once when there is none. */
	Connection master() throws SQLException {
		return master(false);
	}

	/**
	 * Returns a connection to a standby, round-robin, skipping failing ones. When every
	 * standby that is up is busy, waits for one up to the pool's connection timeout, or
	 * uses the master (read-only) if the settings say so; when none can serve, a
	 * read-only connection to the master (if allowed).
	 */
	Connection standby() throws SQLException {
		return standby(null);
	}

	/**
	 * As {@link #standby()}, telling the caller which standby serves (not called when the
	 * master does), so that a connection kept across transactions can leave a standby
	 * that falls behind.
	 */
	Connection standby(@Nullable StandbyChosen chosen) throws SQLException {
		long start = System.nanoTime();
		List<BackendPool> standbys = this.topology.standbys();
		int count = standbys.size();
		if (count == 0) {
			return fallBack(ReadFallbackReason.NO_STANDBY, 0, 0, null);
		}
		SQLException failure = null;
		BackendPool[] busy = null;
		int busyCount = 0;
		int lagging = 0;
		int first = nextStart(count);
		for (int i = 0; i < count; i++) {
			BackendPool standby = standbys.get((first + i) % count);
			if (standby.isDown()) {
				this.listener.standbySkipped(standby.backend());
				continue;
			}
			if (standby.isLagging()) {
				// A volatile read of what the background probe decided: no query here.
				this.listener.standbySkippedForLag(standby.backend());
				lagging++;
				continue;
			}
			try {
				return routed(readOnly(standby.connection()), standby, chosen);
			}
			catch (SQLException ex) {
				if (serverFailed(ex)) {
					failed(standby, ex);
					failure = chain(failure, ex);
				}
				else {
					// Allocated only when a standby is busy: the common path allocates
					// nothing.
					busy = (busy != null) ? busy : new BackendPool[count];
					busy[busyCount++] = standby;
				}
			}
		}
		if (busyCount > 0) {
			// With read fallback off, reads never use the master: they wait instead.
			if (this.settings.busyStandbys() == RoutingSettings.BusyStandbys.USE_MASTER
					&& this.settings.readFallbackToMaster()) {
				return fallBack(ReadFallbackReason.STANDBYS_BUSY, count, 0, null);
			}
			Connection connection = awaitBusy(busy, busyCount, start, chosen);
			if (connection != null) {
				return connection;
			}
		}
		if (lagging == count) {
			return fallBack(ReadFallbackReason.STANDBYS_LAGGING, count, 0, null);
		}
		return fallBack(ReadFallbackReason.STANDBYS_FAILING, count, lagging, failure);
	}

	/**
	 * Falls back as a read does when no standby can serve it: none at all, or every one
	 * failing or lagging.
	 * @param count how many standbys the relation has
	 * @param lagging how many of them are skipped for lag, the others failing
	 */
	Connection noUsableStandby(int count, int lagging) throws SQLException {
		if (count == 0) {
			return fallBack(ReadFallbackReason.NO_STANDBY, 0, 0, null);
		}
		return fallBack((lagging == count) ? ReadFallbackReason.STANDBYS_LAGGING : ReadFallbackReason.STANDBYS_FAILING,
				count, lagging, null);
	}

	/**
	 * Returns a read-only connection to the master for a read-only transaction that no
	 * hot standby can run, whatever the fallback setting: only the master can.
	 */
	Connection masterForRead(ReadFallbackReason reason, String why) throws SQLException {
		if (logger.isDebugEnabled()) {
			logger.debug("Read-only transaction on endpoint '" + this.endpoint + "' uses the master: " + why);
		}
		this.listener.readFellBackToMaster(reason);
		return readOnly(master(true));
	}

	/**
	 * Waits for a busy standby's connection until the pool's connection timeout (counted
	 * from the read's start), in turns of the standby connection timeout over the busy
	 * standbys, so that the first one to free a connection serves and one that fails
	 * meanwhile is left. Returns {@code null} when every busy standby failed meanwhile.
	 */
	private @Nullable Connection awaitBusy(BackendPool[] busy, int busyCount, long start,
			@Nullable StandbyChosen chosen) throws SQLException {
		long deadline = start + this.poolConnectionTimeoutNanos;
		long slice = this.settings.standbyConnectionTimeout().toNanos();
		SQLException last = null;
		int left = busyCount;
		for (int turn = 0; left > 0; turn++) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				throw busyTimeout(busyCount, last);
			}
			BackendPool standby = busy[turn % busyCount];
			if (standby == null) {
				continue;
			}
			if (standby.isDown() || standby.isRetired() || standby.isLagging()) {
				busy[turn % busyCount] = null;
				left--;
				continue;
			}
			try {
				return routed(readOnly(connection(standby, Math.min(slice, remaining))), standby, chosen);
			}
			catch (SQLException ex) {
				if (serverFailed(ex)) {
					failed(standby, ex);
					busy[turn % busyCount] = null;
					left--;
				}
				last = ex;
			}
		}
		return null;
	}

	/**
	 * Takes a connection from a standby's pool waiting at most the given time: HikariCP's
	 * {@code HikariDataSource} waits its configured connection timeout, which for a
	 * standby is the short one that keeps a dead standby from holding up reads.
	 */
	private static Connection connection(BackendPool standby, long timeoutNanos) throws SQLException {
		return standby.connection(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
	}

	/** Returns where the next read's round-robin pass starts over that many standbys. */
	int nextStart(int count) {
		return Math.floorMod(this.next.getAndIncrement(), count);
	}

	void failed(BackendPool standby, SQLException ex) {
		this.housekeeper.standbyFailed(standby, ex);
		this.listener.standbySkipped(standby.backend());
	}

	/**
	 * Falls back to the master for a read.
	 * @param lagging how many of the standbys were skipped for lag, the others failing
	 */
	private Connection fallBack(ReadFallbackReason reason, int count, int lagging, @Nullable SQLException failure)
			throws SQLException {
		if (!this.settings.readFallbackToMaster()) {
			throw noStandby(reason, count, lagging, failure);
		}
		this.listener.readFellBackToMaster(reason);
		return readOnly(master(true));
	}

	private SQLException busyTimeout(int busyCount, @Nullable SQLException last) {
		return new SQLTransientConnectionException("No standby connection for a read-only transaction on endpoint '"
				+ this.endpoint + "' within " + TimeUnit.NANOSECONDS.toMillis(this.poolConnectionTimeoutNanos)
				+ "ms (the pool's connection-timeout): "
				+ ((busyCount == 1) ? "the standby is" : "all " + busyCount + " standbys are")
				+ " busy (every connection in use, or none made yet)", "08001", last);
	}

	String noMasterReason(Topology topology) {
		String reason = topology.noMasterReason();
		return (reason != null && !reason.isBlank()) ? reason : "no relation data has been received yet";
	}

	private Connection master(boolean forRead) throws SQLException {
		while (true) {
			Topology topology = this.topology;
			BackendPool master = topology.master();
			if (master == null) {
				throw new RelationNotReadyException("No " + (forRead ? "standby and no " : "") + "master for endpoint '"
						+ this.endpoint + "': " + noMasterReason(topology));
			}
			try {
				return master.connection();
			}
			catch (SQLException ex) {
				if (this.topology.master() == master) {
					throw masterUnavailable(master, ex);
				}
				// The master was replaced while this request waited: try the new one.
			}
		}
	}

	/**
	 * HikariCP's timeout names the pool, not the server, and keeps the driver's reason in
	 * its cause: say both, so that the application's log tells which backend failed and
	 * why. While the master's data source is still retrying (see
	 * {@link BackendDataSource}), HikariCP has no reason yet: the data source's last
	 * failure is the cause then, and HikariCP's timeout a suppressed exception. The type
	 * and SQL state stay, so that callers and Spring's exception translation see what
	 * HikariCP threw.
	 */
	private SQLException masterUnavailable(BackendPool master, SQLException ex) {
		if (!(ex instanceof SQLTransientConnectionException)) {
			return ex;
		}
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : master.connections().lastFailure();
		String reason = (cause != null && cause.getMessage() != null)
				? "; last connection failure: " + cause.getMessage() : "";
		String message = "No connection to the master " + master.backend().address() + " of endpoint '" + this.endpoint
				+ "': " + ex.getMessage() + reason;
		if (ex.getCause() != null || cause == null) {
			return new SQLTransientConnectionException(message, ex.getSQLState(), ex);
		}
		SQLTransientConnectionException unavailable = new SQLTransientConnectionException(message, ex.getSQLState(),
				cause);
		unavailable.addSuppressed(ex);
		return unavailable;
	}

	/**
	 * Tells a server that refuses connections from a pool that is merely busy: HikariCP's
	 * timeout carries the last connection failure as its cause. A pool without that is
	 * busy (all its connections in use) or still connecting, as a cold pool is in a burst
	 * of reads on a loaded machine; if its attempt to connect then fails, the pool's own
	 * failure callback takes the standby out of reads.
	 */
	static boolean serverFailed(SQLException ex) {
		return ex.getCause() != null;
	}

	private SQLException noStandby(ReadFallbackReason reason, int count, int lagging, @Nullable SQLException failure) {
		String why = switch (reason) {
			case NO_STANDBY -> "the relation has no standby";
			case STANDBYS_LAGGING -> ((count == 1) ? "the standby replays" : "all " + count + " standbys replay")
					+ " more than max-standby-lag (" + this.settings.maxStandbyLag() + ") behind the master";
			default -> (lagging > 0)
					? lagging + " of " + count + " standbys replay more than max-standby-lag ("
							+ this.settings.maxStandbyLag() + ") behind the master, the others are failing"
					: "all " + count + " standbys are failing";
		};
		return new SQLTransientConnectionException("No standby can serve a read-only transaction on endpoint '"
				+ this.endpoint + "' (" + why + ") and read fallback to the master is off", "08001", failure);
	}

	private static SQLException chain(@Nullable SQLException first, SQLException next) {
		if (first == null) {
			return next;
		}
		first.addSuppressed(next);
		return first;
	}

	Connection routed(Connection connection, BackendPool standby, @Nullable StandbyChosen chosen) throws SQLException {
		try {
			this.listener.readRouted(standby.backend());
			if (chosen != null) {
				chosen.standbyChosen(standby);
			}
			return connection;
		}
		catch (RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	static Connection readOnly(Connection connection) throws SQLException {
		try {
			// A read-only transaction stays read-only wherever it lands, the master
			// included. HikariCP resets the flag when the connection returns to its pool.
			connection.setReadOnly(true);
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

	/**
	 * Learns which standby serves a read; implemented by the caller, so nothing is
	 * allocated.
	 */
	interface StandbyChosen {

		void standbyChosen(BackendPool standby);

	}

}
