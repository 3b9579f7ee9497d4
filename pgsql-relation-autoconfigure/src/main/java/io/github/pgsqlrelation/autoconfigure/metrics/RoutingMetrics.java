package io.github.pgsqlrelation.autoconfigure.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.ReadFallbackReason;
import io.github.pgsqlrelation.routing.RoutingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts how read-only transactions are routed. Runs on the request path: after the first
 * read of a backend, counting is a map look-up and an increment, with no allocation.
 */
final class RoutingMetrics implements RoutingListener {

	static final String READS = "pgsql.relation.reads";

	static final String FALLBACKS = "pgsql.relation.reads.fallbacks";

	static final String SKIPS = "pgsql.relation.reads.skipped";

	private final MeterRegistry registry;

	private final String endpoint;

	private final Map<ReadFallbackReason, Counter> fallbacks = new EnumMap<>(ReadFallbackReason.class);

	private final Map<String, Counter> reads = new ConcurrentHashMap<>();

	private final Map<String, Counter> skips = new ConcurrentHashMap<>();

	private final Function<String, Counter> newReadCounter;

	private final Function<String, Counter> newSkipCounter;

	RoutingMetrics(MeterRegistry registry, String endpoint) {
		this.registry = registry;
		this.endpoint = endpoint;
		// One counter per reason from the start: a busy standby is told apart from a
		// failing one, and dashboards see zeros rather than missing series.
		for (ReadFallbackReason reason : ReadFallbackReason.values()) {
			this.fallbacks.put(reason,
					Counter.builder(FALLBACKS)
						.description("Read-only transactions that used the master instead of a standby, by reason")
						.tag("endpoint", endpoint)
						.tag("reason", reason.tag())
						.register(registry));
		}
		this.newReadCounter = (backend) -> counter(READS, "Read-only transactions routed to a standby", backend);
		this.newSkipCounter = (backend) -> counter(SKIPS, "Times a read skipped a failing standby", backend);
	}

	@Override
	public void readRouted(Backend standby) {
		increment(this.reads, standby.name(), this.newReadCounter);
	}

	@Override
	public void readFellBackToMaster(ReadFallbackReason reason) {
		this.fallbacks.get(reason).increment();
	}

	@Override
	public void standbySkipped(Backend standby) {
		increment(this.skips, standby.name(), this.newSkipCounter);
	}

	/**
	 * A closed pool's backend is gone: its counters go too, so that they do not pile up.
	 */
	@Override
	public void poolClosed(Backend backend, HikariDataSource pool) {
		remove(this.reads, backend.name());
		remove(this.skips, backend.name());
	}

	private static void increment(Map<String, Counter> counters, String backend, Function<String, Counter> newCounter) {
		Counter counter = counters.get(backend);
		if (counter == null) {
			counter = counters.computeIfAbsent(backend, newCounter);
		}
		counter.increment();
	}

	private void remove(Map<String, Counter> counters, String backend) {
		Counter counter = counters.remove(backend);
		if (counter != null) {
			this.registry.remove(counter);
		}
	}

	private Counter counter(String name, String description, String backend) {
		return Counter.builder(name)
			.description(description)
			.tag("endpoint", this.endpoint)
			.tag("backend", backend)
			.register(this.registry);
	}

}
