package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Works in the background for the routing, on one daemon thread that exists only while
 * there is work: drains and closes retired pools, probes failing standbys until they
 * recover, and runs the periodic standby lag probe when lag-aware routing is on.
 */
final class PoolHousekeeper {

	private static final Log logger = LogFactory.getLog(RelationRoutingDataSource.class);

	private static final long DRAIN_CHECK_MILLIS = 100;

	/** Longer than HikariCP may take to close a pool whose server does not answer. */
	private static final long SHUTDOWN_TIMEOUT_SECONDS = 45;

	private final ScheduledThreadPoolExecutor executor;

	private final RoutingSettings settings;

	private final RoutingListener listener;

	private final Consumer<Backend> closed;

	private final Set<BackendPool> retiring = ConcurrentHashMap.newKeySet();

	PoolHousekeeper(String threadName, RoutingSettings settings, RoutingListener listener, Consumer<Backend> closed) {
		this.settings = settings;
		this.listener = listener;
		this.closed = closed;
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, threadName);
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setKeepAliveTime(10, TimeUnit.SECONDS);
		this.executor.allowCoreThreadTimeOut(true);
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	/**
	 * Closes a pool that left the routing once the transactions in flight on it have
	 * finished, or at the retire timeout. HikariCP's own close would abort connections in
	 * use after a few seconds, so it is called only when none is left.
	 */
	void retire(BackendPool pool) {
		if (!pool.retire()) {
			return;
		}
		this.retiring.add(pool);
		this.listener.poolRetired(pool.backend(), pool.pool());
		stopFilling(pool);
		// The idle connections close at the first drain check, not now: ending server
		// processes costs CPU just as the new pool opens the connection the next
		// request waits for.
		long deadline = System.nanoTime() + this.settings.retireTimeout().toNanos();
		schedule(() -> drain(pool, deadline), DRAIN_CHECK_MILLIS);
	}

	/**
	 * Takes a standby out of reads until a background probe connects to it again. Runs on
	 * the request's thread: it only schedules, the housekeeper thread logs.
	 */
	void standbyFailed(BackendPool standby, SQLException failure) {
		if (!standby.isRetired() && standby.markDown() && !schedule(() -> skip(standby, failure), 0)) {
			standby.markUp();
		}
	}

	/**
	 * Runs a task every interval on the background thread (the thread then stays while
	 * the routing is open), the first run after one interval. A failure of one run is
	 * logged and the next one runs anyway.
	 */
	void repeat(Runnable task, Duration interval) {
		long millis = interval.toMillis();
		try {
			this.executor.scheduleWithFixedDelay(guarded(task), millis, millis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Shut down: nothing left to do.
		}
	}

	List<BackendPool> retiring() {
		return List.copyOf(this.retiring);
	}

	/** Stops the background thread and closes every pool still retiring. */
	void shutdown() {
		// No interrupt: a pool being closed would stop half way, HikariCP's housekeeper
		// thread and connections left behind. Pending drains and probes are dropped.
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		for (BackendPool pool : retiring()) {
			close(pool);
		}
	}

	/** Closes a pool at once, aborting connections in use. */
	void close(BackendPool pool) {
		pool.retire();
		this.retiring.remove(pool);
		if (pool.markClosed()) {
			pool.connections().close();
			HikariPoolMXBean statistics = pool.pool().getHikariPoolMXBean();
			if (statistics != null && statistics.getActiveConnections() > 0) {
				// HikariCP aborts them too, but only after its connection attempts end
				pool.connections().abortOpenConnections();
			}
			pool.closePool();
			pool.connections().closeLeftovers();
			this.closed.accept(pool.backend());
			this.listener.poolClosed(pool.backend(), pool.pool());
		}
	}

	private void drain(BackendPool pool, long deadline) {
		HikariPoolMXBean statistics = pool.pool().getHikariPoolMXBean();
		// A request that took the pool before it retired and still waits for a connection
		// is in flight too: closing now would abort the connection it is about to get.
		int active = (statistics != null)
				? statistics.getActiveConnections() + statistics.getThreadsAwaitingConnection() : 0;
		if (active == 0) {
			close(pool);
		}
		else if (System.nanoTime() - deadline >= 0) {
			logger.warn("Closing retired pool " + pool.backend().name() + " with " + active
					+ " connection(s) still in use or awaited after " + this.settings.retireTimeout()
					+ "; their transactions are aborted");
			close(pool);
		}
		else {
			// Connections returned since the last check are idle now: close them at once.
			evictIdle(pool);
			schedule(() -> drain(pool, deadline), DRAIN_CHECK_MILLIS);
		}
	}

	private void skip(BackendPool standby, SQLException failure) {
		logger.warn("Skipping " + standby + " for reads: " + failure.getMessage() + "; trying it again every "
				+ this.settings.standbyRetryInterval());
		schedule(() -> probe(standby), this.settings.standbyRetryInterval().toMillis());
	}

	private void probe(BackendPool standby) {
		if (standby.isRetired()) {
			return;
		}
		try (Connection connection = standby.pool().getConnection()) {
			standby.markUp();
			logger.info(standby + " accepts connections again; reads use it");
		}
		catch (SQLException ex) {
			schedule(() -> probe(standby), this.settings.standbyRetryInterval().toMillis());
		}
	}

	/**
	 * A retired pool opens no connection but for a request still waiting on it. HikariCP
	 * would otherwise open new ones to keep its minimum idle as soon as the idle ones are
	 * evicted, to a server the relation has just left, while the new pool opens its first
	 * connections on the same CPUs.
	 */
	private static void stopFilling(BackendPool pool) {
		pool.pool().getHikariConfigMXBean().setMinimumIdle(0);
	}

	private static void evictIdle(BackendPool pool) {
		HikariPoolMXBean statistics = pool.pool().getHikariPoolMXBean();
		if (statistics != null) {
			statistics.softEvictConnections();
		}
	}

	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Pool housekeeping failed", ex);
			}
		};
	}

	private boolean schedule(Runnable task, long delayMillis) {
		try {
			this.executor.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
			return true;
		}
		catch (RejectedExecutionException ex) {
			// Shut down: the routing DataSource is closing every pool itself.
			return false;
		}
	}

}
