package io.github.pgsqlrelation.routing;

import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.connection.ConnectionString;

/**
 * The pool of one backend, with what reads need to know about its health.
 */
final class BackendPool {

	private final Backend backend;

	private final ConnectionString connectionString;

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

	BackendPool(Backend backend, ConnectionString connectionString, HikariDataSource pool,
			BackendDataSource connections) {
		this.backend = backend;
		this.connectionString = connectionString;
		this.pool = pool;
		this.connections = connections;
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
