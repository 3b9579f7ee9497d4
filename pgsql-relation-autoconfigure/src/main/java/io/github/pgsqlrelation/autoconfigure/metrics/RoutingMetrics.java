package io.github.pgsqlrelation.autoconfigure.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.ReadFallbackReason;
import io.github.pgsqlrelation.routing.RoutingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Counts how read-only transactions are routed. Runs on the request path: after the first
 * read of a backend, counting is a map look-up and an increment, with no allocation.
 */
final class RoutingMetrics implements RoutingListener {

	static final String READS = "pgsql.relation.reads";

	static final String FALLBACKS = "pgsql.relation.reads.fallbacks";

	static final String SKIPS = "pgsql.relation.reads.skipped";

	static final String STANDBY_LAG = "pgsql.relation.standby.lag";

	static final String STANDBY_LAGGING = "pgsql.relation.standby.lagging";

	private final MeterRegistry registry;

	private final String endpoint;

	private final Map<ReadFallbackReason, Counter> fallbacks = new EnumMap<>(ReadFallbackReason.class);

	private final Map<String, Counter> reads = new ConcurrentHashMap<>();

	private final Map<String, Counter> skips = new ConcurrentHashMap<>();

	private final Map<String, Counter> lagSkips = new ConcurrentHashMap<>();

	private final Map<String, StandbyLagGauges> lags = new ConcurrentHashMap<>();

	private final Function<String, Counter> newReadCounter;

	private final Function<String, Counter> newSkipCounter;

	private final Function<String, Counter> newLagSkipCounter;

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
		this.newReadCounter = (backend) -> counter(READS, "Read-only transactions routed to a standby", backend)
			.register(registry);
		this.newSkipCounter = (backend) -> counter(SKIPS, "Times a read skipped a standby, by reason", backend)
			.tag("reason", "failing")
			.register(registry);
		this.newLagSkipCounter = (backend) -> counter(SKIPS, "Times a read skipped a standby, by reason", backend)
			.tag("reason", "lagging")
			.register(registry);
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

	@Override
	public void standbySkippedForLag(Backend standby) {
		increment(this.lagSkips, standby.name(), this.newLagSkipCounter);
	}

	/**
	 * Runs on the routing's background thread: the gauges of a standby appear with its
	 * first measure, so that nothing is shown while lag-aware routing is off.
	 */
	@Override
	public void standbyLagMeasured(Backend standby, @Nullable Duration lag, boolean lagging) {
		this.lags.computeIfAbsent(standby.name(), this::lagGauges).set(lag, lagging);
	}

	/**
	 * A closed pool's backend is gone: its counters go too, so that they do not pile up.
	 */
	@Override
	public void poolClosed(Backend backend, HikariDataSource pool) {
		remove(this.reads, backend.name());
		remove(this.skips, backend.name());
		remove(this.lagSkips, backend.name());
		StandbyLagGauges gauges = this.lags.remove(backend.name());
		if (gauges != null) {
			gauges.meters().forEach(this.registry::remove);
		}
	}

	private StandbyLagGauges lagGauges(String backend) {
		StandbyLagGauges gauges = new StandbyLagGauges();
		Gauge lag = Gauge.builder(STANDBY_LAG, gauges, StandbyLagGauges::seconds)
			.description("Replay lag of a standby behind the master at the last probe (NaN when unknown)")
			.baseUnit("seconds")
			.tag("endpoint", this.endpoint)
			.tag("backend", backend)
			.register(this.registry);
		Gauge lagging = Gauge.builder(STANDBY_LAGGING, gauges, StandbyLagGauges::lagging)
			.description("Whether reads skip a standby because its lag exceeds max-standby-lag (1) or not (0)")
			.tag("endpoint", this.endpoint)
			.tag("backend", backend)
			.register(this.registry);
		gauges.meters(lag, lagging);
		return gauges;
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

	private Counter.Builder counter(String name, String description, String backend) {
		return Counter.builder(name).description(description).tag("endpoint", this.endpoint).tag("backend", backend);
	}

	/** The last measure of one standby, as the gauges read it. */
	private static final class StandbyLagGauges {

		private volatile double seconds = Double.NaN;

		private volatile boolean lagging;

		private volatile Meter[] meters = new Meter[0];

		void set(@Nullable Duration lag, boolean lagging) {
			this.seconds = (lag != null) ? lag.toNanos() / 1e9 : Double.NaN;
			this.lagging = lagging;
		}

		double seconds() {
			return this.seconds;
		}

		double lagging() {
			return this.lagging ? 1 : 0;
		}

		void meters(Meter... meters) {
			this.meters = meters;
		}

		List<Meter> meters() {
			return List.of(this.meters);
		}

	}

}
