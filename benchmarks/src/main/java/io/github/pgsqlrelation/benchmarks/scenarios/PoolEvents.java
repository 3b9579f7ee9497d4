package io.github.pgsqlrelation.benchmarks.scenarios;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.RoutingListener;
import org.jspecify.annotations.Nullable;

/**
 * Follows the routing's pools, so that a planned switchover can wait until the retired
 * master pool has closed (a pool with no connection left may still hand a new one to a
 * transaction waiting in it, so counting the old primary's connections is not enough),
 * and a change can wait for the machine to be at rest.
 */
final class PoolEvents implements RoutingListener {

	private final Set<HikariDataSource> retiredMasters = ConcurrentHashMap.newKeySet();

	/** Pools in the routing now. */
	private final Set<HikariDataSource> current = ConcurrentHashMap.newKeySet();

	/** Pools retired and not closed yet. */
	private final Set<HikariDataSource> retired = ConcurrentHashMap.newKeySet();

	private volatile @Nullable HikariDataSource master;

	@Override
	public void poolCreated(Backend backend, HikariDataSource pool) {
		this.current.add(pool);
		if (backend.role() == Backend.Role.MASTER) {
			this.master = pool;
		}
	}

	/**
	 * The connections of the current master pool in use now: transactions that hold one,
	 * or -1 without a master pool.
	 */
	int masterConnectionsInUse() {
		HikariDataSource pool = this.master;
		HikariPoolMXBean statistics = (pool != null) ? pool.getHikariPoolMXBean() : null;
		return (statistics != null) ? statistics.getActiveConnections() : -1;
	}

	@Override
	public void poolRetired(Backend backend, HikariDataSource pool) {
		this.current.remove(pool);
		this.retired.add(pool);
		if (backend.role() == Backend.Role.MASTER) {
			this.retiredMasters.add(pool);
		}
	}

	@Override
	public void poolClosed(Backend backend, HikariDataSource pool) {
		this.retiredMasters.remove(pool);
		this.current.remove(pool);
		this.retired.remove(pool);
	}

	/**
	 * Waits until the pools are at rest, as they are when a relation changes minutes
	 * after the last change: every pool in the routing holds its minimum of idle
	 * connections (HikariCP fills a new pool in the background, one connection after
	 * another) and every retired pool has closed.
	 * @return whether they came to rest in time
	 */
	boolean awaitRest(long timeout, TimeUnit unit) throws InterruptedException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		while (!this.retired.isEmpty() || !this.current.stream().allMatch(PoolEvents::filled)) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			Thread.sleep(5);
		}
		return true;
	}

	private static boolean filled(HikariDataSource pool) {
		HikariPoolMXBean statistics = pool.getHikariPoolMXBean();
		return statistics != null && statistics.getTotalConnections() >= pool.getMinimumIdle();
	}

	/**
	 * Waits until every retired master pool is closed.
	 * @return whether they all closed in time
	 */
	boolean awaitRetiredMastersClosed(long timeout, TimeUnit unit) throws InterruptedException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		while (!this.retiredMasters.isEmpty()) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			Thread.sleep(5);
		}
		return true;
	}

}
