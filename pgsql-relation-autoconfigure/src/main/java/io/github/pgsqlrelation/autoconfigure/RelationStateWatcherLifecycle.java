package io.github.pgsqlrelation.autoconfigure;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;

import org.springframework.context.SmartLifecycle;

/**
 * Starts following the state file once every listener is registered, so that the initial
 * events reach {@code @EventListener} methods too, and stops before the beans go away.
 */
final class RelationStateWatcherLifecycle implements SmartLifecycle {

	/** Early, so the relation's events are out before web servers and consumers start. */
	static final int PHASE = Integer.MIN_VALUE + 1000;

	private final RelationStateWatcher watcher;

	private volatile boolean running;

	RelationStateWatcherLifecycle(RelationStateWatcher watcher) {
		this.watcher = watcher;
	}

	@Override
	public void start() {
		this.watcher.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.watcher.close();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
