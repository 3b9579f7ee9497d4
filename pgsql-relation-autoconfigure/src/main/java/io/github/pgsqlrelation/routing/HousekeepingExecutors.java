package io.github.pgsqlrelation.routing;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Hands each new pool a HikariCP housekeeping executor whose thread already runs, as
 * HikariCP's own would be ({@code <pool name>:housekeeper}, one daemon thread). HikariCP
 * starts that thread when it creates a pool, and starting a thread waits until the
 * operating system runs it: on a busy machine that cost a change of the relation
 * milliseconds before the routing applied it. So one executor is kept in reserve, and the
 * next one is made on the thread of the executor just handed out, never on the caller's.
 * HikariCP shuts down only the executors it made: the pool's owner shuts this one down
 * after closing the pool.
 * <p>
 * Written by hand: neither HikariCP nor the JDK keeps a started executor in reserve.
 */
final class HousekeepingExecutors {

	private final String spareName;

	private final AtomicReference<@Nullable Started> spare = new AtomicReference<>();

	private volatile boolean closed;

	/**
	 * @param spareName the name of the thread in reserve, until a pool takes it
	 */
	HousekeepingExecutors(String spareName) {
		this.spareName = spareName;
	}

	/**
	 * Returns a housekeeping executor with its thread running, named after the pool, and
	 * has the next one made on that thread.
	 * @param poolName the name of the pool that takes it
	 * @return an executor of one daemon thread, for the caller to shut down
	 */
	ScheduledThreadPoolExecutor take(String poolName) {
		Started taken = this.spare.getAndSet(null);
		if (taken == null) {
			taken = start(this.spareName);
		}
		taken.thread().setName(poolName + ":housekeeper");
		taken.executor().execute(this::replenish);
		return taken.executor();
	}

	/** Stops the executor in reserve; later ones are stopped as soon as made. */
	void close() {
		this.closed = true;
		stop(this.spare.getAndSet(null));
	}

	private void replenish() {
		if (this.closed || this.spare.get() != null) {
			return;
		}
		Started next = start(this.spareName);
		if (!this.spare.compareAndSet(null, next)) {
			stop(next);
		}
		if (this.closed) {
			stop(this.spare.getAndSet(null));
		}
	}

	private static void stop(@Nullable Started started) {
		if (started != null) {
			started.executor().shutdownNow();
		}
	}

	/** The settings of HikariCP's own housekeeping executor, its thread started. */
	private static Started start(String name) {
		AtomicReference<@Nullable Thread> created = new AtomicReference<>();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			created.set(thread);
			return thread;
		}, new ThreadPoolExecutor.DiscardPolicy());
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.setRemoveOnCancelPolicy(true);
		executor.prestartCoreThread();
		Thread thread = created.get();
		if (thread == null) {
			throw new IllegalStateException("No housekeeping thread could be started for " + name);
		}
		return new Started(executor, thread);
	}

	private record Started(ScheduledThreadPoolExecutor executor, Thread thread) {

	}

}
