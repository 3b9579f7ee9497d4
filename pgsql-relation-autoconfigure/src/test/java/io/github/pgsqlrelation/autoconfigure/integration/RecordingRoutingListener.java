package io.github.pgsqlrelation.autoconfigure.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.RoutingListener;

/**
 * Records the pools made, when pools retire and close, to tell a drained pool from an
 * aborted one, and which pools took new credentials.
 */
class RecordingRoutingListener implements RoutingListener {

	private final Map<Backend.Role, List<HikariDataSource>> created = new ConcurrentHashMap<>();

	private final Map<String, Long> retired = new ConcurrentHashMap<>();

	private final Map<String, Duration> drained = new ConcurrentHashMap<>();

	private final List<String> credentialsChanged = new CopyOnWriteArrayList<>();

	@Override
	public void poolCreated(Backend backend, HikariDataSource pool) {
		this.created.computeIfAbsent(backend.role(), (role) -> new CopyOnWriteArrayList<>()).add(pool);
	}

	@Override
	public void poolRetired(Backend backend, HikariDataSource pool) {
		this.retired.put(pool.getPoolName(), System.nanoTime());
	}

	@Override
	public void poolClosed(Backend backend, HikariDataSource pool) {
		Long retiredAt = this.retired.get(pool.getPoolName());
		if (retiredAt != null) {
			this.drained.put(pool.getPoolName(), Duration.ofNanos(System.nanoTime() - retiredAt));
		}
	}

	@Override
	public void credentialsChanged(Backend backend, HikariDataSource pool) {
		this.credentialsChanged.add(pool.getPoolName());
	}

	/** Returns the pools made so far for backends of the role, oldest first. */
	List<HikariDataSource> created(Backend.Role role) {
		return List.copyOf(this.created.getOrDefault(role, List.of()));
	}

	/** Returns the names of the pools retired so far. */
	Set<String> retired() {
		return Set.copyOf(this.retired.keySet());
	}

	/** Returns the names of the pools that took new credentials, once per change. */
	List<String> credentialsChanged() {
		return List.copyOf(this.credentialsChanged);
	}

	/** Returns how long each retired and closed pool took from retirement to closing. */
	Map<String, Duration> drained() {
		return Map.copyOf(this.drained);
	}

}
