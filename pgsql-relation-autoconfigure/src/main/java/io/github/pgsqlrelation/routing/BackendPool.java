package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import org.jspecify.annotations.Nullable;

/**
 * The pool of one backend, with what reads need to know about its health.
 */
final class BackendPool {

	/**
	 * The libpq keywords that say who connects rather than where to: the user, its
	 * password and its client certificate. A change of these alone is a rotation of
	 * credentials, applied to the same pool ({@link #useCredentials}).
	 */
	private static final Set<String> CREDENTIALS = Set.of("user", "password", "sslcert", "sslkey", "sslpassword");

	/** Replaced with the connection string by {@link #useCredentials}. */
	private volatile Backend backend;

	private volatile ConnectionString connectionString;

	private final HikariDataSource pool;

	private final BackendDataSource connections;

	private final AtomicBoolean down = new AtomicBoolean();

	private final AtomicBoolean retired = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Written by the lag probe only; read by every read-only transaction. */
	private volatile StandbyLag lag = StandbyLag.UNKNOWN;

	/**
	 * The standby's last known replay position, written by the lag probe and by
	 * read-your-writes checks.
	 */
	private volatile Replayed replayed = Replayed.NONE;

	/** HikariCP's housekeeping executor when the routing made it, {@code null} if not. */
	private final @Nullable ExecutorService housekeeper;

	/**
	 * The minimum-idle of the pool's settings, negative when they leave it to HikariCP.
	 */
	private final int minimumIdle;

	BackendPool(Backend backend, ConnectionString connectionString, HikariDataSource pool,
			BackendDataSource connections, @Nullable ExecutorService housekeeper, int minimumIdle) {
		this.backend = backend;
		this.connectionString = connectionString;
		this.pool = pool;
		this.connections = connections;
		this.housekeeper = housekeeper;
		this.minimumIdle = minimumIdle;
	}

	Backend backend() {
		return this.backend;
	}

	ConnectionString connectionString() {
		return this.connectionString;
	}

	HikariDataSource pool() {
		return this.pool;
	}

	BackendDataSource connections() {
		return this.connections;
	}

	/**
	 * Takes a connection from the pool within its connection timeout, as
	 * {@link HikariDataSource#getConnection()} does, but not one whose server has sent it
	 * something while it was idle without checking it first ({@link #checked}).
	 * @throws SQLException as HikariCP's, when no connection comes in time
	 */
	Connection connection() throws SQLException {
		return checked(this.pool.getConnection(), this.pool.getConnectionTimeout());
	}

	/**
	 * Takes a connection as {@link #connection()} does, waiting at most the given time
	 * for it.
	 * @param timeoutMillis the longest wait for a connection, in milliseconds
	 */
	Connection connection(long timeoutMillis) throws SQLException {
		if (this.pool.getHikariPoolMXBean() instanceof HikariPool hikari) {
			return checked(hikari.getConnection(timeoutMillis), timeoutMillis);
		}
		return connection();
	}

	/**
	 * Hands out a connection just taken from the pool unless its server sent it something
	 * while it was idle ({@link BackendDataSource#hasUnreadInput}). Such a connection is
	 * asked an empty statement first, with which the driver reads what came: a notice
	 * leaves it usable; a session the server ended fails, and that failure evicts the
	 * connection and, when it says the server is gone, the rest of the pool
	 * ({@link ServerGoneEviction}). Another connection is then taken, a new one once the
	 * pool was evicted, all of them within one more wait of the given time, so that a
	 * transaction that starts after a server ended its sessions does not fail on one of
	 * them. Costs one system call per connection taken, and nothing more unless bytes
	 * wait; HikariCP checks a connection only after 500 ms idle.
	 * @param timeoutMillis how long the next connections may take, in all
	 */
	private Connection checked(Connection taken, long timeoutMillis) throws SQLException {
		Connection connection = taken;
		// Timed from the first connection found with bytes waiting: the common path reads
		// no clock
		long deadline = 0;
		// Each turn removes a connection from the pool: at most the pool's size of them
		for (int turn = 0; turn < this.pool.getMaximumPoolSize()
				&& this.connections.hasUnreadInput(connection); turn++) {
			boolean usable;
			try {
				usable = answers(connection);
			}
			catch (RuntimeException | Error ex) {
				this.pool.evictConnection(connection);
				throw ex;
			}
			if (usable) {
				return connection;
			}
			this.pool.evictConnection(connection);
			if (turn == 0) {
				deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
			}
			connection = takeWithin(deadline);
		}
		return connection;
	}

	private Connection takeWithin(long deadline) throws SQLException {
		if (this.pool.getHikariPoolMXBean() instanceof HikariPool hikari) {
			return hikari.getConnection(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
		}
		return this.pool.getConnection();
	}

	private static boolean answers(Connection connection) {
		try (Statement statement = connection.createStatement()) {
			statement.execute("");
			return true;
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * Whether a connection string reaches the same server and database with the same
	 * settings as this pool's, and differs from it only in its credentials: user,
	 * password, client certificate. A connection string without {@code dbname} names the
	 * user's database (libpq's default), so that a new user there is another database,
	 * not a rotation.
	 */
	boolean differsOnlyInCredentials(ConnectionString other) {
		ConnectionString current = this.connectionString;
		return !current.equals(other) && withoutCredentials(current).equals(withoutCredentials(other));
	}

	private static Map<String, @Nullable String> withoutCredentials(ConnectionString connectionString) {
		Map<String, @Nullable String> keywords = new HashMap<>(connectionString.keywords());
		keywords.keySet().removeAll(CREDENTIALS);
		keywords.put("dbname", Objects.requireNonNullElse(connectionString.database(), connectionString.user()));
		return keywords;
	}

	/**
	 * Connects with new credentials from now on, keeping the pool: new connections use
	 * them at once, a request waiting for a connection gets one made with them, and every
	 * connection made with the old ones closes when its transaction ends (idle ones at
	 * once), so that none outlives the rotation by more than a transaction.
	 * @param next the backend's connection string with its new credentials
	 * @param jdbc how the pool connects with them
	 */
	void useCredentials(ConnectionString next, JdbcConnection jdbc) {
		Backend current = this.backend;
		this.connectionString = next;
		this.backend = new Backend(current.role(), current.name(), current.address(), next.toString());
		// The target first, then the eviction: a connection made to replace an evicted
		// one
		// must already use the new credentials.
		this.connections.update(jdbc);
		HikariPoolMXBean statistics = this.pool.getHikariPoolMXBean();
		if (statistics != null) {
			statistics.softEvictConnections();
		}
	}

	/**
	 * Lets a pool that was made to keep no idle connection fill to the minimum-idle of
	 * its settings, from HikariCP's next housekeeping run. Only for a pool in the
	 * routing: a retired one must stay empty.
	 */
	void fill() {
		HikariConfigMXBean settings = this.pool.getHikariConfigMXBean();
		int maximum = settings.getMaximumPoolSize();
		// HikariCP's own rule: unset, or above the pool's maximum, means the maximum.
		settings.setMinimumIdle((this.minimumIdle < 0 || this.minimumIdle > maximum) ? maximum : this.minimumIdle);
	}

	boolean isDown() {
		return this.down.get();
	}

	/**
	 * Returns {@code true} for the caller that took the pool down, so that only one
	 * schedules a probe.
	 */
	boolean markDown() {
		return this.down.compareAndSet(false, true);
	}

	void markUp() {
		this.down.set(false);
	}

	/** Whether reads skip this standby because it replays too far behind the master. */
	boolean isLagging() {
		return this.lag.lagging();
	}

	StandbyLag lag() {
		return this.lag;
	}

	void lag(StandbyLag lag) {
		this.lag = lag;
	}

	/**
	 * Whether the standby had replayed the position when last measured, no longer ago
	 * than the given time: a position only moves forward while the server runs.
	 */
	boolean hasReplayed(long lsn, long maxAgeNanos) {
		Replayed replayed = this.replayed;
		return replayed.lsn() >= lsn && System.nanoTime() - replayed.nanoTime() <= maxAgeNanos;
	}

	/** Records a replay position measured just now. */
	void replayed(long lsn) {
		this.replayed = new Replayed(lsn, System.nanoTime());
	}

	boolean isRetired() {
		return this.retired.get();
	}

	/** Returns {@code true} for the caller that retired the pool. */
	boolean retire() {
		return this.retired.compareAndSet(false, true);
	}

	/**
	 * Closes the HikariCP pool, then its housekeeping thread, which HikariCP leaves to
	 * whoever made it.
	 */
	void closePool() {
		try {
			this.pool.close();
		}
		finally {
			if (this.housekeeper != null) {
				this.housekeeper.shutdownNow();
			}
		}
	}

	/** Returns {@code true} for the caller that is to close the pool. */
	boolean markClosed() {
		return this.closed.compareAndSet(false, true);
	}

	RoutingTopology.PoolStatus status() {
		StandbyLag lag = this.lag;
		return new RoutingTopology.PoolStatus(this.backend, this.pool.getHikariPoolMXBean(), !isDown(), lag.lag(),
				lag.lagging());
	}

	@Override
	public String toString() {
		return this.backend.toString();
	}

	/** A replay position and when it was measured ({@link System#nanoTime()}). */
	private record Replayed(long lsn, long nanoTime) {

		static final Replayed NONE = new Replayed(0, 0);

	}

}
