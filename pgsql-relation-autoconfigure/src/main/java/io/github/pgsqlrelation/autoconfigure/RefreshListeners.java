package io.github.pgsqlrelation.autoconfigure;

import java.time.Duration;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher.RefreshListener;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Lets every {@link RefreshListener} bean observe the state file watcher. Looked up at
 * each refresh, since the listeners (metrics) depend on the watcher themselves.
 */
final class RefreshListeners implements RefreshListener {

	private final ObjectProvider<RefreshListener> listeners;

	RefreshListeners(ObjectProvider<RefreshListener> listeners) {
		this.listeners = listeners;
	}

	@Override
	public void refreshed(Duration took, boolean changed) {
		this.listeners.orderedStream().forEach((listener) -> listener.refreshed(took, changed));
	}

	@Override
	public void problem(String message) {
		this.listeners.orderedStream().forEach((listener) -> listener.problem(message));
	}

}
