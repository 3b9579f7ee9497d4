package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

/**
 * Hands out connections by the current topology: writes to the master, reads round-robin
 * over the standbys. The hot path takes no lock and logs nothing; it reads the topology
 * once and sticks to it, except that a master replaced while a request waited is tried
 * again.
 */
final class Router {

	private final String endpoint;

	private final boolean readFallbackToMaster;

	private final RoutingListener listener;

	private final PoolHousekeeper housekeeper;

	private final AtomicInteger next = new AtomicInteger();

	private volatile Topology topology = Topology.INITIAL;

	Router(String endpoint, boolean readFallbackToMaster, RoutingListener listener, PoolHousekeeper housekeeper) {
		this.endpoint = endpoint;
		this.readFallbackToMaster = readFallbackToMaster;
		this.listener = listener;
		this.housekeeper = housekeeper;
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
	 * Returns a connection to a standby, round-robin, skipping failing ones; when none
	 * can serve, a read-only connection to the master (if allowed).
	 */
	Connection standby() throws SQLException {
		Topology topology = this.topology;
		List<BackendPool> standbys = topology.standbys();
		int count = standbys.size();
		SQLException failure = null;
		if (count > 0) {
			int first = Math.floorMod(this.next.getAndIncrement(), count);
			for (int i = 0; i < count; i++) {
				BackendPool standby = standbys.get((first + i) % count);
				if (standby.isDown()) {
					this.listener.standbySkipped(standby.backend());
					continue;
				}
				Connection connection;
				try {
					connection = standby.pool().getConnection();
				}
				catch (SQLException ex) {
					if (serverFailed(standby, ex)) {
						this.housekeeper.standbyFailed(standby, ex);
					}
					this.listener.standbySkipped(standby.backend());
					failure = chain(failure, ex);
					continue;
				}
				return routed(readOnly(connection), standby.backend());
			}
		}
		if (!this.readFallbackToMaster) {
			throw noStandby(count, failure);
		}
		this.listener.readFellBackToMaster();
		return readOnly(master(true));
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
				return master.pool().getConnection();
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
	 * why. The type and SQL state stay, so that callers and Spring's exception
	 * translation see what HikariCP threw.
	 */
	private SQLException masterUnavailable(BackendPool master, SQLException ex) {
		if (!(ex instanceof SQLTransientConnectionException)) {
			return ex;
		}
		Throwable cause = ex.getCause();
		String reason = (cause != null && cause.getMessage() != null)
				? "; last connection failure: " + cause.getMessage() : "";
		return new SQLTransientConnectionException("No connection to the master " + master.backend().address()
				+ " of endpoint '" + this.endpoint + "': " + ex.getMessage() + reason, ex.getSQLState(), ex);
	}

	/**
	 * Tells a server that refuses connections from a pool that is merely busy: HikariCP's
	 * timeout carries the last connection failure as its cause, and a busy pool has
	 * connections.
	 */
	private static boolean serverFailed(BackendPool standby, SQLException ex) {
		if (ex.getCause() != null) {
			return true;
		}
		HikariPoolMXBean statistics = standby.pool().getHikariPoolMXBean();
		return statistics == null || statistics.getTotalConnections() == 0;
	}

	private SQLException noStandby(int count, @Nullable SQLException failure) {
		String why = (count == 0) ? "the relation has no standby" : "all " + count + " standbys are failing";
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

	private Connection routed(Connection connection, Backend standby) throws SQLException {
		try {
			this.listener.readRouted(standby);
			return connection;
		}
		catch (RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	private static Connection readOnly(Connection connection) throws SQLException {
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

}
