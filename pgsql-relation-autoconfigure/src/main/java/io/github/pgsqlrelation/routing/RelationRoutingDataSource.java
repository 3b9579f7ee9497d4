package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.UtilityElf;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.relation.RelationListener;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * A {@code DataSource} that sends writes to the master of a {@code pgsql} relation and
 * read-only transactions round-robin to its hot standbys, following the relation's events
 * without restart.
 * <p>
 * {@link #getConnection()} hands out a lazy {@link ConnectionProxy} that takes a physical
 * connection only when the first statement runs, and chooses its backend per transaction:
 * a transaction marked read-only (by the connection's read-only flag, as
 * {@code DataSourceTransactionManager} and {@code JpaTransactionManager} set it, or by
 * Spring's current-transaction read-only flag) runs on a standby, everything else on the
 * master. A connection kept across transactions (JPA's open-in-view, a synchronised
 * scope) changes backend between transactions when their read-only intent differs, never
 * inside one. A read-only transaction that asks for {@code SERIALIZABLE} isolation runs
 * on the master, read-only: a hot standby refuses it. A read that no standby can serve
 * uses the master (read-only), unless {@link RoutingSettings#readFallbackToMaster()} is
 * off; when every standby is busy, a read waits for one or uses the master as
 * {@link RoutingSettings#busyStandbys()} says. With
 * {@link RoutingSettings#maxStandbyLag()} set, a background probe measures each standby's
 * replay lag every {@link RoutingSettings#standbyLagProbeInterval()}, and reads skip a
 * standby whose lag exceeds the limit, as they skip a failing one. With
 * {@link RoutingSettings#readYourWrites()} on, a commit on the master records its WAL
 * position in the current {@link ReadYourWrites} scope (one query after the commit), and
 * a later read-only transaction of that scope runs on a standby that has replayed it, or
 * on the master after {@link RoutingSettings#readYourWritesWait()}.
 * <p>
 * Every backend has its own HikariCP pool, configured from the application's pool
 * settings and named after its role. {@link #relationChanged} refreshes the pools
 * incrementally: unchanged backends keep their pools and connections, a removed or
 * changed one leaves the routing at once and closes when its transactions have finished.
 * A backend whose credentials alone changed (a rotated password) keeps its pool, whose
 * new connections use them at once. Until a snapshot hands out a master, writes fail at
 * once with a {@link RelationNotReadyException} saying why.
 * <p>
 * The master's pool connects with pgjdbc's {@code targetServerType=primary} to the
 * master's host, then to the standbys' hosts (with the master's credentials), so that
 * writes follow a promoted standby before the relation reports it. Each standby's pool
 * connects to its own host whatever its role: a promoted standby holds the newest data,
 * so a read there is never stale, while insisting on a standby would turn every promotion
 * into failing reads.
 * <p>
 * Nothing connects before the first statement needs it: the handle's default auto-commit
 * and isolation come from the pool settings, not from a server.
 */
public class RelationRoutingDataSource extends AbstractDataSource implements RelationListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RelationRoutingDataSource.class);

	private final String endpoint;

	private final RoutingListener listener;

	private final PoolFactory pools;

	private final PoolHousekeeper housekeeper;

	private final Router router;

	private final boolean defaultAutoCommit;

	private final int defaultTransactionIsolation;

	private boolean closed;

	/**
	 * The snapshot last applied in full: the watcher's events carry it again.
	 */
	private @Nullable RelationSnapshot applied;

	/**
	 * Creates a routing DataSource that has no pool until the first snapshot.
	 * @param poolTemplate the settings every pool starts from (copied now); its URL and
	 * credentials are ignored: they come from the relation
	 * @param settings how to route and retire
	 * @param endpoint the relation endpoint whose snapshots apply, e.g. {@code db}
	 */
	public RelationRoutingDataSource(HikariConfig poolTemplate, RoutingSettings settings, String endpoint) {
		this(poolTemplate, settings, endpoint, RoutingListener.NONE, PoolCustomizer.NONE);
	}

	/**
	 * Creates a routing DataSource that has no pool until the first snapshot.
	 * @param poolTemplate the settings every pool starts from (copied now); its URL and
	 * credentials are ignored: they come from the relation
	 * @param settings how to route and retire
	 * @param endpoint the relation endpoint whose snapshots apply, e.g. {@code db}
	 * @param listener observes pools and routing decisions
	 * @param customizer adjusts each pool's settings before the pool is created, e.g. to
	 * attach metrics
	 */
	public RelationRoutingDataSource(HikariConfig poolTemplate, RoutingSettings settings, String endpoint,
			RoutingListener listener, PoolCustomizer customizer) {
		HikariConfig template = new HikariConfig();
		poolTemplate.copyStateTo(template);
		this.endpoint = endpoint;
		this.listener = listener;
		this.pools = new PoolFactory(template, settings, endpoint, customizer);
		this.housekeeper = new PoolHousekeeper("pgsql-relation-" + endpoint + "-housekeeper", settings, listener,
				this.pools::released);
		this.router = new Router(endpoint, settings, template.getConnectionTimeout(), listener, this.housekeeper);
		Duration maxStandbyLag = settings.maxStandbyLag();
		if (maxStandbyLag != null) {
			// Off by default: then nothing is probed and no standby is ever skipped for
			// lag.
			this.housekeeper.repeat(new StandbyLagProbe(endpoint, maxStandbyLag, this.router::topology, listener),
					settings.standbyLagProbeInterval());
		}
		this.defaultAutoCommit = template.isAutoCommit();
		// The pools are given the same default (see PoolFactory), so that no connection
		// is needed to know it.
		int isolation = UtilityElf.getTransactionIsolation(template.getTransactionIsolation());
		this.defaultTransactionIsolation = (isolation != -1) ? isolation : Connection.TRANSACTION_READ_COMMITTED;
	}

	/**
	 * Sets whether the standbys' pools made from now on wait to fill (pools already made
	 * keep filling). A pool that waits keeps no idle connection and opens one only when a
	 * read-only transaction asks for it; the master's pool fills as its settings say.
	 * Meant for an application's start-up: there a standby's first connection (class
	 * loading and a SCRAM exchange in a cold JVM, tens of milliseconds of CPU time)
	 * competes with the start for the CPU while no read waits for it. Set back to
	 * {@code false}, every standby pool in the routing keeps its settings' minimum-idle
	 * again: HikariCP fills it at its next housekeeping run (every 30 seconds by
	 * default), and reads open what they need until then. Off unless set.
	 * @param deferred whether the standbys' pools wait to fill
	 */
	public void setStandbyFillDeferred(boolean deferred) {
		synchronized (this) {
			this.pools.standbyFillDeferred(deferred);
			if (!deferred) {
				this.router.topology().standbys().forEach(BackendPool::fill);
			}
		}
	}

	/**
	 * Returns a connection handle that takes a physical connection from the master or a
	 * standby when its first statement runs, and chooses again between transactions. It
	 * implements {@link ConnectionProxy}; {@link Connection#unwrap} reaches the driver's
	 * connection.
	 * @return a lazy connection handle, never {@code null}
	 * @throws SQLException never here: failures to connect (for instance a
	 * {@link RelationNotReadyException} without a master) are thrown by the first
	 * statement
	 */
	@Override
	public Connection getConnection() throws SQLException {
		return RoutingConnection.create(this.router, this.endpoint, this.defaultAutoCommit,
				this.defaultTransactionIsolation);
	}

	/**
	 * Not supported: the credentials come from the relation.
	 * @throws SQLException always
	 */
	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("Credentials come from the relation's connection strings; use getConnection()");
	}

	/**
	 * Applies what the relation hands out now, incrementally: a new master gets a new
	 * pool and the old one retires; only new standbys get pools and only removed ones
	 * retire, the others keep their pools and connections. A master or standby whose
	 * connection string changed only in its credentials (user, password, client
	 * certificate: a rotation) keeps its pool: new connections use the new credentials at
	 * once, and each open connection closes when its transaction ends. Without a master,
	 * writes fail at once with the snapshot's reason. Applying the same snapshot again
	 * changes nothing, except that a pool it could not make before is tried again;
	 * snapshots of other endpoints are ignored, and so is everything once the DataSource
	 * is closed.
	 */
	@Override
	public void relationChanged(RelationSnapshot snapshot) {
		synchronized (this) {
			if (this.closed || !this.endpoint.equals(snapshot.endpoint()) || snapshot.equals(this.applied)) {
				return;
			}
			boolean replaced = applyMaster(snapshot);
			applyStandbys(snapshot);
			Topology topology = this.router.topology();
			BackendPool master = topology.master();
			if (master != null && !replaced) {
				updateFailoverHosts(master, snapshot.standbys());
			}
			// A pool that could not be made is tried again when the snapshot comes again.
			this.applied = inForce(snapshot, topology) ? snapshot : null;
		}
	}

	/** Whether every backend of the snapshot has its pool. */
	private static boolean inForce(RelationSnapshot snapshot, Topology topology) {
		return (snapshot.master() == null) == (topology.master() == null)
				&& topology.standbys().size() == snapshot.standbys().stream().distinct().count();
	}

	/** Returns whether the master's pool was replaced (or removed). */
	private boolean applyMaster(RelationSnapshot snapshot) {
		Topology current = this.router.topology();
		BackendPool previous = current.master();
		ConnectionString master = snapshot.master();
		if (master != null && previous != null && previous.connectionString().equals(master)) {
			return false;
		}
		if (master != null && previous != null && previous.differsOnlyInCredentials(master)
				&& rotateCredentials(previous, master, () -> this.pools.masterJdbc(master, snapshot.standbys()))) {
			return false;
		}
		if (master != null) {
			useMaster(current, master, snapshot.standbys());
		}
		else {
			String reason = NoMasterReasons.of(snapshot);
			this.router.topology(current.withoutMaster(reason));
			if (logger.isDebugEnabled() && (previous != null || !Objects.equals(reason, current.noMasterReason()))) {
				logger.debug("Endpoint '" + this.endpoint + "' has no master: " + reason
						+ ((previous != null) ? "; retiring " + previous : ""));
			}
		}
		if (previous != null) {
			this.housekeeper.retire(previous);
		}
		return true;
	}

	private void applyStandbys(RelationSnapshot snapshot) {
		Topology current = this.router.topology();
		Map<ConnectionString, BackendPool> removed = new LinkedHashMap<>();
		current.standbys().forEach((pool) -> removed.put(pool.connectionString(), pool));
		List<BackendPool> standbys = new ArrayList<>();
		List<BackendPool> added = new ArrayList<>();
		for (ConnectionString standby : new LinkedHashSet<>(snapshot.standbys())) {
			BackendPool pool = removed.remove(standby);
			if (pool == null) {
				pool = rotatedStandby(removed, standby);
			}
			if (pool == null) {
				pool = createStandby(standby);
				if (pool == null) {
					continue;
				}
				added.add(pool);
			}
			standbys.add(pool);
		}
		if (!standbys.equals(current.standbys())) {
			this.router.topology(current.withStandbys(standbys));
		}
		if (logger.isDebugEnabled() && (!added.isEmpty() || !removed.isEmpty())) {
			logger.debug("Endpoint '" + this.endpoint + "' standbys are " + standbys
					+ ((!added.isEmpty()) ? "; added " + added : "")
					+ ((!removed.isEmpty()) ? "; retiring " + removed.values() : ""));
		}
		removed.values().forEach(this.housekeeper::retire);
		added.forEach((pool) -> this.listener.poolCreated(pool.backend(), pool.pool()));
	}

	/**
	 * Finds the pool of a standby whose credentials alone changed, takes it out of the
	 * pools to retire and gives it the new credentials; {@code null} when there is none.
	 */
	private @Nullable BackendPool rotatedStandby(Map<ConnectionString, BackendPool> removed, ConnectionString standby) {
		for (Map.Entry<ConnectionString, BackendPool> entry : removed.entrySet()) {
			BackendPool pool = entry.getValue();
			if (pool.differsOnlyInCredentials(standby)
					&& rotateCredentials(pool, standby, () -> this.pools.standbyJdbc(standby))) {
				removed.remove(entry.getKey());
				return pool;
			}
		}
		return null;
	}

	/**
	 * Applies new credentials of the same backend to its pool in place. Replacing the
	 * pool instead, as for any other change, was measured worse under load
	 * ({@code PasswordRotationIntegrationTests}, docs/routing.md): requests already
	 * waiting in the old pool's {@code getConnection} could only be served there by a
	 * connection made with the old password, which the server refuses once it has the new
	 * one, so they waited out the whole connection timeout before trying the new pool
	 * (slowest transaction 5.1 s against 1.5 s in place, with a 5 s timeout and the
	 * relation 1 s behind the server), every request meanwhile queued for a cold pool,
	 * and metrics and health saw three pools retire. HikariCP's own
	 * {@code HikariConfigMXBean#setPassword} does the same for a pool that connects by
	 * URL; these pools connect through {@link BackendDataSource}, which takes the new
	 * credentials with the URL and properties in one step, as it takes the master's
	 * failover hosts.
	 * @return {@code false} when the new connection string cannot be used, so that it
	 * takes the path of any other change (a new pool, which reports why)
	 */
	private boolean rotateCredentials(BackendPool pool, ConnectionString next, Supplier<JdbcConnection> jdbc) {
		JdbcConnection connection;
		try {
			connection = jdbc.get();
		}
		catch (RuntimeException ex) {
			return false;
		}
		// The routing listener and debug log only: to the application a rotation is what
		// the relation's events say, not a failover.
		Backend before = pool.backend();
		pool.useCredentials(next, connection);
		if (logger.isDebugEnabled()) {
			logger.debug("Endpoint '" + this.endpoint + "' " + before + " connects with new credentials (" + next
					+ "); its open connections close when their transactions end");
		}
		this.listener.credentialsChanged(pool.backend(), pool.pool());
		return true;
	}

	/** Returns what the routing uses now, for operations (no password). */
	public RoutingTopology topology() {
		Topology topology = this.router.topology();
		BackendPool master = topology.master();
		return new RoutingTopology(this.endpoint, (master != null) ? master.status() : null,
				(master != null) ? null : this.router.noMasterReason(topology),
				topology.standbys().stream().map(BackendPool::status).toList(),
				this.housekeeper.retiring().stream().map(BackendPool::status).toList());
	}

	/**
	 * Closes every pool at once (aborting connections still in use) and stops the
	 * background thread. The pools close together: HikariCP's shutdown of a pool waits
	 * for the connection its fill is opening, and one pool after the other those waits
	 * add up. Idempotent; later events are ignored and connections fail.
	 */
	@Override
	public void close() {
		Topology topology;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			topology = this.router.topology();
			this.router.topology(Topology.INITIAL.withoutMaster("the DataSource is closed"));
		}
		this.housekeeper.shutdown();
		this.pools.close();
		List<BackendPool> pools = new ArrayList<>();
		if (topology.master() != null) {
			pools.add(topology.master());
		}
		pools.addAll(topology.standbys());
		closeTogether(pools);
	}

	private void closeTogether(List<BackendPool> pools) {
		List<Thread> closers = new ArrayList<>();
		for (BackendPool pool : pools) {
			Thread closer = new Thread(() -> this.housekeeper.close(pool), pool.backend().name() + "-close");
			closer.setDaemon(true);
			closer.start();
			closers.add(closer);
		}
		for (Thread closer : closers) {
			try {
				closer.join();
			}
			catch (InterruptedException ex) {
				// The pools left go on closing in their own threads
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void useMaster(Topology current, ConnectionString master, List<ConnectionString> standbys) {
		BackendPool pool;
		try {
			pool = this.pools.master(master, standbys);
		}
		catch (RuntimeException ex) {
			String reason = "its connection string " + master + " cannot be used: " + ex.getMessage();
			this.router.topology(current.withoutMaster(reason));
			logger.error("Endpoint '" + this.endpoint + "' has no master: " + reason);
			return;
		}
		this.router.topology(current.withMaster(pool));
		BackendPool previous = current.master();
		if (logger.isDebugEnabled()) {
			logger.debug("Endpoint '" + this.endpoint + "' master is " + pool + " via " + pool.connections().url()
					+ ((previous != null) ? "; retiring " + previous : ""));
		}
		this.listener.poolCreated(pool.backend(), pool.pool());
	}

	private @Nullable BackendPool createStandby(ConnectionString standby) {
		try {
			BackendPool pool = this.pools.standby(standby);
			// Reads skip a standby as soon as its pool fails to connect, not when one of
			// them times out.
			pool.connections().onFailure((ex) -> this.housekeeper.standbyFailed(pool, ex));
			return pool;
		}
		catch (RuntimeException ex) {
			logger.error("Endpoint '" + this.endpoint + "' cannot use its standby " + standby + ": " + ex.getMessage());
			return null;
		}
	}

	private void updateFailoverHosts(BackendPool master, List<ConnectionString> standbys) {
		try {
			master.connections().update(this.pools.masterJdbc(master.connectionString(), standbys));
		}
		catch (RuntimeException ex) {
			// Keep the current hosts: the master's own connection string was usable when
			// its pool was made.
		}
	}

	@Override
	public String toString() {
		return "RelationRoutingDataSource[endpoint=" + this.endpoint + "]";
	}

}
