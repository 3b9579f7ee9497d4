package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/** Remembers what the routing told it. */
final class RecordingListener implements RoutingListener {

	final Map<String, HikariDataSource> created = new ConcurrentHashMap<>();

	final List<String> createdNames = new CopyOnWriteArrayList<>();

	final List<String> retired = new CopyOnWriteArrayList<>();

	final List<String> closed = new CopyOnWriteArrayList<>();

	final List<String> credentialsChanged = new CopyOnWriteArrayList<>();

	final AtomicInteger fallbacks = new AtomicInteger();

	final Map<ReadFallbackReason, AtomicInteger> fallbacksByReason = new ConcurrentHashMap<>();

	final AtomicInteger skips = new AtomicInteger();

	final Map<String, AtomicInteger> lagSkips = new ConcurrentHashMap<>();

	final AtomicInteger lagMeasures = new AtomicInteger();

	@Override
	public void poolCreated(Backend backend, HikariDataSource pool) {
		this.created.put(backend.name(), pool);
		this.createdNames.add(backend.name());
	}

	@Override
	public void poolRetired(Backend backend, HikariDataSource pool) {
		this.retired.add(backend.name());
	}

	@Override
	public void poolClosed(Backend backend, HikariDataSource pool) {
		this.closed.add(backend.name());
	}

	@Override
	public void credentialsChanged(Backend backend, HikariDataSource pool) {
		this.credentialsChanged.add(backend.name());
	}

	@Override
	public void readFellBackToMaster(ReadFallbackReason reason) {
		this.fallbacks.incrementAndGet();
		this.fallbacksByReason.computeIfAbsent(reason, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void standbySkipped(Backend standby) {
		this.skips.incrementAndGet();
	}

	@Override
	public void standbySkippedForLag(Backend standby) {
		this.lagSkips.computeIfAbsent(standby.name(), (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void standbyLagMeasured(Backend standby, @Nullable Duration lag, boolean lagging) {
		this.lagMeasures.incrementAndGet();
	}

}
