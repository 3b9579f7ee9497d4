package io.github.pgsqlrelation.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import org.springframework.jdbc.datasource.ConnectionProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The connection that {@link RelationRoutingDataSource} hands out: it chooses its backend
 * per transaction, not once per physical connection.
 * <p>
 * It takes no physical connection until something needs the server (a statement, the
 * metadata, {@link ConnectionProxy#getTargetConnection()}); transaction settings made
 * before that are kept and applied then, and the default auto-commit and isolation come
 * from the pool settings. The backend follows the read-only intent: the connection's
 * read-only flag (set by {@code DataSourceTransactionManager} and by
 * {@code JpaTransactionManager} when Hibernate holds its connection) or Spring's
 * current-transaction read-only flag (which is all there is when Hibernate releases its
 * connection after each transaction, or in a read-only {@code SUPPORTS} scope). A
 * read-only intent goes to a standby, or to the master read-only when it asks for
 * {@code SERIALIZABLE} isolation, which a hot standby refuses; anything else goes to the
 * master.
 * <p>
 * When a connection outlives its transaction (JPA's open-in-view session, Hibernate's
 * {@code DELAYED_ACQUISITION_AND_HOLD}, a connection bound to a synchronised scope) and
 * the intent changes, it returns its physical connection to its pool at the transaction
 * boundary (the driver reports no open transaction) and takes one from the right side
 * when it is next needed. Inside a transaction it never changes backend. Objects taken
 * from the physical connection (statements, metadata, an unwrapped driver connection)
 * belong to the transaction they were taken in; session state set with SQL ({@code SET},
 * temporary tables, {@code LISTEN}) stays with the physical connection.
 * <p>
 * Spring's {@code LazyConnectionDataSourceProxy} cannot do this: it takes its physical
 * connection once, keeps it until the connection is closed and, with a read-only
 * DataSource, ignores {@code setReadOnly} from then on, so a write after a read in the
 * same session ran on the standby; it reads only the connection's read-only flag; and its
 * handler is private. What it did is kept here: lazy acquisition, defaults from the pool
 * settings, {@link ConnectionProxy#getTargetConnection()}, {@code unwrap} and
 * {@code isWrapperFor}, {@code equals} and {@code hashCode} without a physical
 * connection.
 * <p>
 * Like any JDBC connection, it is used by one thread at a time: it takes no lock, and
 * logs only at DEBUG, guarded.
 */
final class RoutingConnection implements InvocationHandler, Router.StandbyChosen {

	private static final Log logger = LogFactory.getLog(RelationRoutingDataSource.class);

	private final Router router;

	private final String endpoint;

	private final boolean defaultAutoCommit;

	private final int defaultTransactionIsolation;

	private boolean readOnly;

	private boolean autoCommit;

	private int transactionIsolation;

	private @Nullable String catalog;

	private @Nullable String schema;

	private @Nullable Integer holdability;

	private @Nullable Executor networkTimeoutExecutor;

	private @Nullable Integer networkTimeout;

	private @Nullable Map<String, String> clientInfo;

	private boolean closed;

	private @Nullable Connection target;

	/**
	 * The driver's connection of the target, which knows whether a transaction is open.
	 */
	private @Nullable BaseConnection driver;

	private @Nullable Route route;

	/** The standby the target comes from, {@code null} when it is not a standby's. */
	private @Nullable BackendPool standby;

	/**
	 * Whether the master's connection was used since read-your-writes last learned its
	 * WAL position (or since a rollback).
	 */
	private boolean unlearnedWrites;

	private RoutingConnection(Router router, String endpoint, boolean defaultAutoCommit,
			int defaultTransactionIsolation) {
		this.router = router;
		this.endpoint = endpoint;
		this.defaultAutoCommit = defaultAutoCommit;
		this.defaultTransactionIsolation = defaultTransactionIsolation;
		this.autoCommit = defaultAutoCommit;
		this.transactionIsolation = defaultTransactionIsolation;
	}

	static Connection create(Router router, String endpoint, boolean defaultAutoCommit,
			int defaultTransactionIsolation) {
		return (Connection) Proxy.newProxyInstance(ConnectionProxy.class.getClassLoader(),
				new Class<?>[] { ConnectionProxy.class },
				new RoutingConnection(router, endpoint, defaultAutoCommit, defaultTransactionIsolation));
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
		Connection target = this.target;
		switch (method.getName()) {
			case "equals" -> {
				return proxy == args[0];
			}
			case "hashCode" -> {
				return System.identityHashCode(proxy);
			}
			case "toString" -> {
				return toString();
			}
			case "close" -> {
				close();
				return null;
			}
			case "isClosed" -> {
				return this.closed || (target != null && target.isClosed());
			}
			case "isValid" -> {
				if (this.closed) {
					return false;
				}
			}
			case "unwrap" -> {
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return proxy;
				}
			}
			case "isWrapperFor" -> {
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return true;
				}
			}
			default -> {
			}
		}
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
		switch (method.getName()) {
			case "getTargetConnection" -> {
				return target();
			}
			case "abort" -> {
				abort((Executor) args[0]);
				return null;
			}
			case "setReadOnly" -> {
				setReadOnly((Boolean) args[0]);
				return null;
			}
			case "isReadOnly" -> {
				return (target != null) ? target.isReadOnly() : this.readOnly;
			}
			case "setTransactionIsolation" -> {
				setTransactionIsolation((Integer) args[0]);
				return null;
			}
			case "getTransactionIsolation" -> {
				return this.transactionIsolation;
			}
			case "setAutoCommit" -> {
				if (target != null) {
					target.setAutoCommit((Boolean) args[0]);
				}
				this.autoCommit = (Boolean) args[0];
				return null;
			}
			case "getAutoCommit" -> {
				return this.autoCommit;
			}
			case "commit" -> {
				if (target != null) {
					target.commit();
					if (this.route == Route.MASTER) {
						learnWritePosition(target);
					}
				}
				return null;
			}
			case "rollback" -> {
				if (args == null) {
					this.unlearnedWrites = false;
					// Closed meanwhile, e.g. by a timeout: a rollback right before close
					// is suppressed, as Spring's lazy proxy does.
					if (target != null && !target.isClosed()) {
						target.rollback();
					}
					return null;
				}
			}
			case "getWarnings" -> {
				return (target != null) ? target.getWarnings() : null;
			}
			case "clearWarnings" -> {
				if (target != null) {
					target.clearWarnings();
				}
				return null;
			}
			case "setCatalog" -> {
				if (target != null) {
					target.setCatalog((String) args[0]);
				}
				this.catalog = (String) args[0];
				return null;
			}
			case "getCatalog" -> {
				if (target == null && this.catalog != null) {
					return this.catalog;
				}
			}
			case "setSchema" -> {
				if (target != null) {
					target.setSchema((String) args[0]);
				}
				this.schema = (String) args[0];
				return null;
			}
			case "getSchema" -> {
				if (target == null && this.schema != null) {
					return this.schema;
				}
			}
			case "setHoldability" -> {
				if (target != null) {
					target.setHoldability((Integer) args[0]);
				}
				this.holdability = (Integer) args[0];
				return null;
			}
			case "getHoldability" -> {
				if (target == null && this.holdability != null) {
					return this.holdability;
				}
			}
			case "setNetworkTimeout" -> {
				if (target != null) {
					target.setNetworkTimeout((Executor) args[0], (Integer) args[1]);
				}
				this.networkTimeoutExecutor = (Executor) args[0];
				this.networkTimeout = (Integer) args[1];
				return null;
			}
			case "getNetworkTimeout" -> {
				if (target == null && this.networkTimeout != null) {
					return this.networkTimeout;
				}
			}
			case "setClientInfo" -> {
				setClientInfo(target, args);
				return null;
			}
			default -> {
			}
		}
		try {
			Connection current = target();
			if (this.route == Route.MASTER) {
				this.unlearnedWrites = true;
			}
			return method.invoke(current, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * Returns the physical connection for the current intent: the one held, unless the
	 * intent changed since it was taken and no transaction is open on it; then it goes
	 * back to its pool and one is taken from the right side.
	 */
	private Connection target() throws SQLException {
		Route wanted = route(this.readOnly, this.transactionIsolation);
		Connection target = this.target;
		if (target != null) {
			if ((wanted == this.route && !standbyLagging()) || !idle()) {
				return target;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Connection of endpoint '" + this.endpoint + "' leaves the " + this.route.label
						+ ((wanted == this.route) ? " that lags behind the master" : " for the " + wanted.label)
						+ " at a transaction boundary");
			}
			release();
		}
		return acquire(wanted);
	}

	private Route route(boolean readOnly, int transactionIsolation) {
		if (!readOnly && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			return Route.MASTER;
		}
		return (transactionIsolation == Connection.TRANSACTION_SERIALIZABLE) ? Route.MASTER_READ_ONLY : Route.STANDBY;
	}

	/**
	 * Whether the target is a standby's that reads now skip for lag: a kept connection
	 * then leaves it at the next transaction boundary, as a new one would not go there. A
	 * volatile read; nothing else.
	 */
	private boolean standbyLagging() {
		BackendPool standby = this.standby;
		return standby != null && standby.isLagging();
	}

	@Override
	public void standbyChosen(BackendPool standby) {
		this.standby = standby;
	}

	private Connection acquire(Route route) throws SQLException {
		this.standby = null;
		Connection connection = switch (route) {
			case MASTER -> this.router.master();
			case STANDBY -> standby();
			case MASTER_READ_ONLY -> this.router.masterForRead(ReadFallbackReason.SERIALIZABLE,
					"it asks for SERIALIZABLE isolation, which a hot standby cannot run");
		};
		BaseConnection driver;
		try {
			applySettings(connection);
			driver = connection.isWrapperFor(BaseConnection.class) ? connection.unwrap(BaseConnection.class) : null;
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.close();
			}
			catch (SQLException closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
		this.target = connection;
		this.driver = driver;
		this.route = route;
		return connection;
	}

	/**
	 * A standby's connection; with read-your-writes, one that shows what the current
	 * scope wrote.
	 */
	private Connection standby() throws SQLException {
		CaughtUpReads caughtUpReads = this.router.caughtUpReads();
		if (caughtUpReads != null) {
			WritePosition position = ReadYourWrites.forRead();
			long required = (position != null) ? position.required(this.endpoint) : 0;
			if (required > 0) {
				return caughtUpReads.standby(this, position, required);
			}
		}
		return this.router.standby(this);
	}

	/**
	 * With read-your-writes, records in the current scope the WAL position of what the
	 * master's connection has just committed: one query, after the commit. A failure does
	 * not undo the commit: the position becomes unknown, and the scope's reads use the
	 * master until it is learned again.
	 */
	private void learnWritePosition(Connection target) {
		this.unlearnedWrites = false;
		if (this.router.caughtUpReads() == null) {
			return;
		}
		long lsn;
		try {
			lsn = WalPositions.afterCommit(target);
		}
		catch (SQLException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Endpoint '" + this.endpoint + "': the WAL position of a commit on the master is unknown ("
						+ ex.getMessage() + "); reads after it use the master");
			}
			lsn = WritePosition.UNKNOWN;
		}
		try {
			ReadYourWrites.forWrite().advance(this.endpoint, lsn);
		}
		catch (RuntimeException ex) {
			// A scope that cannot keep the position (an HTTP session invalidated
			// meanwhile) must not make a commit look failed.
			if (logger.isDebugEnabled()) {
				logger.debug("Endpoint '" + this.endpoint + "': the read-your-writes scope could not record a commit: "
						+ ex.getMessage());
			}
		}
	}

	/**
	 * Applies what was set before the physical connection was taken; the pool hands it
	 * out with the defaults and restores them when it comes back.
	 */
	private void applySettings(Connection connection) throws SQLException {
		if (this.catalog != null) {
			connection.setCatalog(this.catalog);
		}
		if (this.schema != null) {
			connection.setSchema(this.schema);
		}
		if (this.holdability != null) {
			connection.setHoldability(this.holdability);
		}
		if (this.transactionIsolation != this.defaultTransactionIsolation) {
			connection.setTransactionIsolation(this.transactionIsolation);
		}
		if (this.autoCommit != this.defaultAutoCommit) {
			connection.setAutoCommit(this.autoCommit);
		}
		if (this.networkTimeout != null) {
			connection.setNetworkTimeout(this.networkTimeoutExecutor, this.networkTimeout);
		}
		if (this.clientInfo != null) {
			for (Map.Entry<String, String> entry : this.clientInfo.entrySet()) {
				connection.setClientInfo(entry.getKey(), entry.getValue());
			}
		}
	}

	/**
	 * Whether no transaction is open on the physical connection, as the driver tracks it
	 * from the server's replies: then it can go back to its pool without losing anything.
	 */
	private boolean idle() {
		BaseConnection driver = this.driver;
		return driver != null && driver.getTransactionState() == TransactionState.IDLE;
	}

	/**
	 * The flag is the route's: a read-only connection stays read-only wherever it lands,
	 * and a connection to the master for writes is read-write. Inside a transaction the
	 * driver decides, as it would without routing.
	 */
	private void setReadOnly(boolean readOnly) throws SQLException {
		Connection target = this.target;
		if (target != null && !idle()) {
			target.setReadOnly(readOnly);
		}
		this.readOnly = readOnly;
		releaseIfRouteChanged();
	}

	private void setTransactionIsolation(int level) throws SQLException {
		Connection target = this.target;
		if (target != null && (!idle() || route(this.readOnly, level) == this.route)) {
			target.setTransactionIsolation(level);
		}
		this.transactionIsolation = level;
		releaseIfRouteChanged();
	}

	/**
	 * Gives the physical connection back as soon as a transaction boundary shows that the
	 * next transaction goes elsewhere, so that it does not sit unused in a long session.
	 */
	private void releaseIfRouteChanged() throws SQLException {
		if (this.target != null && idle() && route(this.readOnly, this.transactionIsolation) != this.route) {
			release();
		}
	}

	private void setClientInfo(@Nullable Connection target, Object[] args) throws SQLException {
		Map<String, String> info = (this.clientInfo != null) ? this.clientInfo : new LinkedHashMap<>();
		if (args.length == 2) {
			if (target != null) {
				target.setClientInfo((String) args[0], (String) args[1]);
			}
			info.put((String) args[0], (String) args[1]);
		}
		else {
			Properties properties = (Properties) args[0];
			if (target != null) {
				target.setClientInfo(properties);
			}
			properties.stringPropertyNames().forEach((name) -> info.put(name, properties.getProperty(name)));
		}
		this.clientInfo = info;
	}

	private void abort(Executor executor) throws SQLException {
		this.closed = true;
		Connection target = this.target;
		this.target = null;
		this.driver = null;
		this.route = null;
		this.standby = null;
		if (target != null) {
			try {
				target.abort(executor);
			}
			finally {
				// The pool learns that its connection is gone and replaces it.
				target.close();
			}
		}
	}

	private void close() throws SQLException {
		if (!this.closed) {
			this.closed = true;
			release();
		}
	}

	private void release() throws SQLException {
		Connection target = this.target;
		if (target != null && this.unlearnedWrites && this.route == Route.MASTER && this.autoCommit && idle()) {
			// Statements in auto-commit mode committed themselves: no commit() told.
			learnWritePosition(target);
		}
		this.unlearnedWrites = false;
		this.target = null;
		this.driver = null;
		this.route = null;
		this.standby = null;
		if (target != null) {
			target.close();
		}
	}

	@Override
	public String toString() {
		Connection target = this.target;
		return "Routing connection of endpoint '" + this.endpoint + "' ("
				+ ((target != null) ? this.route.label + ": " + target : "no physical connection") + ")";
	}

	/** Where the physical connection comes from. */
	private enum Route {

		MASTER("master"),

		STANDBY("standbys"),

		MASTER_READ_ONLY("master (read-only)");

		private final String label;

		Route(String label) {
			this.label = label;
		}

	}

}
