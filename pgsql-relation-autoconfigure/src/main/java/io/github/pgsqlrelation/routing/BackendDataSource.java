package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariPoolMXBean;

import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.connection.LibpqSocketFactory;
import io.github.pgsqlrelation.connection.ServerInput;
import io.github.pgsqlrelation.connection.SocketCapture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * The physical connections of one pool: pgjdbc connecting with a URL and properties that
 * may change while the pool lives (the master's list of failover hosts follows the
 * standbys). Holds the password, so its {@link #toString()} shows the URL only.
 * <p>
 * With a retry interval, a failed attempt is repeated at that pace for as long as
 * requests wait for the pool, and a failover host that starts accepting writes meanwhile
 * hands its connection over at once ({@link PromotionWatch}). HikariCP would otherwise
 * retry with a backoff that grows to 5 seconds while the requests keep waiting, so that
 * writes would resume seconds after a standby is promoted.
 */
final class BackendDataSource extends AbstractDataSource {

	private static final Log logger = LogFactory.getLog(RelationRoutingDataSource.class);

	private static final Driver DRIVER = new Driver();

	private final Duration retryInterval;

	private volatile Target target;

	private volatile int loginTimeoutSeconds;

	private volatile @Nullable HikariPoolMXBean pool;

	private volatile boolean closed;

	/**
	 * Every physical connection made, with its input where known (see
	 * {@link #hasUnreadInput}), until it closes: swept whenever one is made.
	 */
	private final Map<Connection, Made> opened = new ConcurrentHashMap<>();

	/** The threads in the driver's connect, to interrupt when the pool closes. */
	private final Set<Thread> connecting = ConcurrentHashMap.newKeySet();

	private volatile Consumer<SQLException> failures = (ex) -> {
	};

	private volatile @Nullable SQLException lastFailure;

	/**
	 * Whether it was logged that connections made by another socket factory go unchecked.
	 */
	private volatile boolean uncheckedLogged;

	/** The connection being opened ahead of the pool's first request, until taken. */
	private final AtomicReference<@Nullable Ahead> ahead = new AtomicReference<>();

	BackendDataSource(JdbcConnection jdbc, Duration retryInterval) {
		this.target = new Target(jdbc.url(), jdbc.toProperties());
		this.retryInterval = retryInterval;
	}

	/** Tells whether requests wait: retries stop when none does. */
	void pool(HikariPoolMXBean pool) {
		this.pool = pool;
	}

	/**
	 * Returns why the last attempt to connect failed, {@code null} when it succeeded or
	 * none was made. While this data source retries, HikariCP has not seen the failure
	 * yet, so a request that times out meanwhile learns the reason here.
	 */
	@Nullable SQLException lastFailure() {
		return this.lastFailure;
	}

	/**
	 * Starts opening one connection now, on the given executor, and hands it to the
	 * pool's first request for one. HikariCP starts filling a new pool only at its first
	 * housekeeping run, 100 ms after it was made, and in a cold JVM that connection takes
	 * longer still: a pool made while the application starts would have its first
	 * connection well after the application's first transaction asked for it. The attempt
	 * counts as the first request's first: its failure is reported and retried like any
	 * other.
	 * <p>
	 * Only for a pool that fills to a minimum idle above zero, which takes the connection
	 * at its first housekeeping run: until taken, it is not counted in the pool's
	 * figures.
	 */
	void connectAhead(Executor executor) {
		Target target = this.target;
		FutureTask<Connection> attempt = new FutureTask<>(() -> connect(target));
		this.ahead.set(new Ahead(target, attempt));
		executor.execute(attempt);
	}

	/** Hears of every failed attempt to connect, from the pool's own threads. */
	void onFailure(Consumer<SQLException> failures) {
		this.failures = failures;
	}

	/**
	 * Stops retrying and interrupts the attempts in progress: HikariCP's shutdown waits
	 * for them, up to the login timeout each, before it aborts the connections in use,
	 * and a server that accepts connections but never answers would hold every attempt
	 * that long.
	 */
	void close() {
		this.closed = true;
		this.connecting.forEach(Thread::interrupt);
	}

	/**
	 * Closes every connection this pool made that is still open once HikariCP has closed
	 * the pool. HikariCP's shutdown waits for a connection being made only as long as the
	 * login timeout; one made later is dropped without being closed, and its server would
	 * keep it until the garbage collector found it.
	 */
	void closeLeftovers() {
		for (Connection connection : openedConnections()) {
			try {
				if (!connection.isClosed()) {
					connection.close();
				}
			}
			catch (SQLException | RuntimeException ex) {
				// Gone already
			}
		}
	}

	/**
	 * Closes the socket of every connection still open, at once and without a word to the
	 * server: a transaction waiting for a server that does not answer fails now instead
	 * of when the server comes back.
	 */
	void abortOpenConnections() {
		for (Connection connection : openedConnections()) {
			try {
				connection.abort(Runnable::run);
			}
			catch (SQLException | RuntimeException ex) {
				// Closed meanwhile
			}
		}
	}

	private List<Connection> openedConnections() {
		return new ArrayList<>(this.opened.keySet());
	}

	/**
	 * Tells, without a round trip, whether the server sent a connection just taken from
	 * the pool something the driver has not acted on ({@link ServerInput}). A connection
	 * idle in the pool expects nothing: what came is most likely the server's last word,
	 * the {@code FATAL} with which a shutdown or {@code pg_terminate_backend} ends every
	 * session, which the next statement would meet as its failure; otherwise a notice or
	 * a notification, which the driver reads with that statement. HikariCP checks a
	 * connection only when it has been idle for 500 ms, with a round trip.
	 * @param borrowed a connection of this pool, as HikariCP hands it out
	 * @return whether the server sent it something; {@code false} when its socket is
	 * unknown (a socket factory of the application's own makes it)
	 */
	boolean hasUnreadInput(Connection borrowed) {
		Made made;
		try {
			made = this.opened.get(borrowed.unwrap(Connection.class));
		}
		catch (SQLException ex) {
			return false;
		}
		ServerInput input = (made != null) ? made.input() : null;
		return input != null && input.hasUnread();
	}

	/** Points new connections elsewhere; open connections are not touched. */
	void update(JdbcConnection jdbc) {
		this.target = new Target(jdbc.url(), jdbc.toProperties());
	}

	String url() {
		return this.target.url();
	}

	@Override
	public Connection getConnection() throws SQLException {
		// HikariCP connects on one thread per pool: the watch is never shared
		PromotionWatch promotions = new PromotionWatch(this::open);
		try {
			boolean first = true;
			while (true) {
				try {
					Connection connection = first ? takeAheadOrConnect() : connect();
					this.lastFailure = null;
					return connection;
				}
				catch (SQLException ex) {
					first = false;
					this.lastFailure = ex;
					evictIfServerGone(ex);
					this.failures.accept(ex);
					if (!shouldRetry(ex)) {
						throw ex;
					}
					Connection promoted = awaitNextAttempt(promotions, ex);
					if (promoted != null) {
						this.lastFailure = null;
						return adopt(promoted, this.target);
					}
				}
			}
		}
		finally {
			promotions.end();
		}
	}

	/**
	 * Takes the attempt opened ahead as this request's first, waiting for it to end
	 * (within the driver's connect and login timeouts): its connection, or its failure,
	 * which the caller reports and retries as its own. Connects as usual when none was
	 * opened ahead or the target changed meanwhile (new credentials, new hosts).
	 */
	private Connection takeAheadOrConnect() throws SQLException {
		Ahead early = this.ahead.getAndSet(null);
		if (early == null) {
			return connect();
		}
		Connection connection;
		try {
			connection = await(early.attempt());
		}
		catch (SQLException ex) {
			if (early.target() == this.target) {
				throw ex;
			}
			connection = null;
		}
		if (connection != null && early.target() != this.target) {
			JdbcUtils.closeConnection(connection);
			connection = null;
		}
		return (connection != null) ? connection : connect();
	}

	/**
	 * Waits for an attempt made on another thread.
	 * @return its connection, {@code null} when it was cancelled
	 * @throws SQLException the attempt's failure to connect
	 * @throws RuntimeException what else the attempt threw, as the caller's own attempt
	 * would
	 */
	private @Nullable Connection await(Future<Connection> attempt) throws SQLException {
		Thread thread = Thread.currentThread();
		this.connecting.add(thread);
		try {
			// As in connect(): after close(), an attempt whose thread was stopped with
			// the
			// pool never ends, and nothing would interrupt this wait.
			if (this.closed) {
				throw new SQLException("The pool is closed; not connecting to " + this.target.url(), "08003");
			}
			return attempt.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof SQLException failure) {
				throw failure;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw (ex.getCause() instanceof RuntimeException unchecked) ? unchecked
					: new IllegalStateException("Connecting to " + this.target.url() + " failed", ex.getCause());
		}
		catch (CancellationException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			// The pool closes, and closes whatever the attempt still opens
			thread.interrupt();
			throw new SQLException("Interrupted while connecting to " + this.target.url(), "08003", ex);
		}
		finally {
			this.connecting.remove(thread);
		}
	}

	/**
	 * Waits for the retry interval, or less when a failover host accepts writes meanwhile
	 * ({@link PromotionWatch}).
	 * @return the connection of a failover host that accepts writes, or {@code null}
	 */
	private @Nullable Connection awaitNextAttempt(PromotionWatch promotions, SQLException failure) throws SQLException {
		Target target = this.target;
		try {
			return promotions.await(target.url(), target.properties(), this.retryInterval, this::stopRetrying);
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
			throw failure;
		}
	}

	private boolean stopRetrying() {
		HikariPoolMXBean pool = this.pool;
		return this.closed || pool == null || pool.getThreadsAwaitingConnection() == 0;
	}

	/**
	 * A server that refuses new connections, or is shutting down, has ended (or is
	 * ending) the pool's open ones as well: they are evicted, so that none is handed out
	 * without a check. HikariCP skips its alive check for a connection used within the
	 * last 500 ms, and the first transaction to borrow a stale one would fail.
	 */
	private void evictIfServerGone(SQLException ex) {
		HikariPoolMXBean pool = this.pool;
		if (pool != null && ServerGoneEviction.isServerGone(ex.getSQLState())) {
			pool.softEvictConnections();
		}
	}

	private boolean shouldRetry(SQLException ex) {
		return !this.retryInterval.isZero() && !stopRetrying() && isUnavailable(ex.getSQLState());
	}

	/**
	 * No server (class 08: connection exception) or none ready yet (57P03: cannot connect
	 * now).
	 */
	private static boolean isUnavailable(@Nullable String sqlState) {
		return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P03"));
	}

	private Connection connect() throws SQLException {
		return connect(this.target);
	}

	private Connection connect(Target target) throws SQLException {
		Thread thread = Thread.currentThread();
		this.connecting.add(thread);
		Connection connection;
		try {
			// After joining the threads that close() interrupts: either it sees this one
			// or this one sees that the pool closed
			if (this.closed) {
				throw new SQLException("The pool is closed; not connecting to " + target.url(), "08003");
			}
			connection = open(target.url(), withLoginTimeout(target.properties()));
		}
		finally {
			this.connecting.remove(thread);
		}
		if (connection == null) {
			throw new SQLException("The PostgreSQL JDBC driver does not accept the URL " + target.url());
		}
		return adopt(connection, target);
	}

	/**
	 * Opens a physical connection with pgjdbc, learning its socket; the connections of
	 * {@link PromotionWatch} are opened here too, since one of them may join the pool.
	 * @return the connection, {@code null} when pgjdbc does not take the URL
	 */
	@Nullable Connection open(String url, Properties properties) throws SQLException {
		try (SocketCapture capture = SocketCapture.open()) {
			Connection connection = DRIVER.connect(url, capture.applyTo(properties));
			if (connection != null) {
				this.opened.keySet().removeIf(BackendDataSource::isClosed);
				ServerInput input = capture.input();
				this.opened.put(connection, new Made(input));
				String socketFactory = properties.getProperty(PGProperty.SOCKET_FACTORY.getName());
				if (input == null && socketFactory != null && !socketFactory.equals(LibpqSocketFactory.class.getName())
						&& !this.uncheckedLogged) {
					this.uncheckedLogged = true;
					logger.info("The connections of " + this + " are not checked for a session their server ended"
							+ " while they were idle: their sockets come from the socketFactory " + socketFactory);
				}
			}
			return connection;
		}
	}

	private static boolean isClosed(Connection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	private Connection adopt(Connection connection, Target target) throws SQLException {
		if (this.closed) {
			// HikariCP would drop a connection that arrives while its pool shuts down
			// without closing it
			connection.close();
			throw new SQLException("The pool closed while " + target.url() + " was being connected to", "08003");
		}
		return connection;
	}

	/**
	 * HikariCP hands its connection timeout to the DataSource as the login timeout and
	 * relies on it: without it, a server that accepts the connection but never answers
	 * would hold the pool's connection-adding thread forever. The relation's own setting
	 * wins.
	 */
	private Properties withLoginTimeout(Properties properties) {
		int seconds = this.loginTimeoutSeconds;
		String loginTimeout = PGProperty.LOGIN_TIMEOUT.getName();
		if (seconds <= 0 || properties.containsKey(loginTimeout)) {
			return properties;
		}
		Properties result = new Properties();
		result.putAll(properties);
		result.setProperty(loginTimeout, String.valueOf(seconds));
		return result;
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("Credentials come from the relation's connection string, not from the pool");
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeoutSeconds;
	}

	@Override
	public void setLoginTimeout(int seconds) {
		this.loginTimeoutSeconds = seconds;
	}

	@Override
	public String toString() {
		return "BackendDataSource[" + this.target.url() + "]";
	}

	private record Ahead(Target target, Future<Connection> attempt) {

	}

	/**
	 * A physical connection's input, {@code null} where its socket is unknown (a socket
	 * factory of the application's own made it).
	 */
	private record Made(@Nullable ServerInput input) {

	}

	private record Target(String url, Properties properties) {

		@Override
		public String toString() {
			return this.url;
		}

	}

}
