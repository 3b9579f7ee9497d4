package io.github.pgsqlrelation.autoconfigure.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher.RefreshListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;

/**
 * The relation's state as meters: whether it is ready, how many standbys it hands out,
 * whether the state file has a problem, how often the relation changed, how long
 * refreshes take and how many problems the state file had.
 */
final class RelationMetrics implements RefreshListener {

	static final String CHANGES = "pgsql.relation.changes";

	static final String READY = "pgsql.relation.ready";

	static final String STANDBYS = "pgsql.relation.standbys";

	static final String STATE_FILE_PROBLEM = "pgsql.relation.state.file.problem";

	static final String STATE_FILE_ERRORS = "pgsql.relation.state.file.errors";

	static final String REFRESH = "pgsql.relation.refresh";

	private final Counter stateFileErrors;

	private final Timer refreshes;

	private final RelationStateWatcher watcher;

	private final Counter changes;

	private final AtomicReference<@Nullable Instant> lastCountedChange = new AtomicReference<>();

	RelationMetrics(MeterRegistry registry, RelationStateWatcher watcher) {
		this.watcher = watcher;
		String endpoint = watcher.settings().endpoint();
		this.changes = Counter.builder(CHANGES)
			.description("Changes of the relation, as read from the relation state file")
			.tag("endpoint", endpoint)
			.register(registry);
		this.stateFileErrors = Counter.builder(STATE_FILE_ERRORS)
			.description("Problems seen with the relation state file (each distinct problem once)")
			.tag("endpoint", endpoint)
			.register(registry);
		this.refreshes = Timer.builder(REFRESH)
			.description("Time to read the changed state file, apply the protocol and publish the events")
			.tag("endpoint", endpoint)
			.register(registry);
		Gauge.builder(READY, watcher, (w) -> w.current().readiness().isReady() ? 1 : 0)
			.description("Whether the endpoint has exactly one ready relation (1) or not (0)")
			.tag("endpoint", endpoint)
			.register(registry);
		Gauge.builder(STANDBYS, watcher, (w) -> w.current().standbys().size())
			.description("Standbys the relation hands out")
			.tag("endpoint", endpoint)
			.register(registry);
		Gauge.builder(STATE_FILE_PROBLEM, watcher, (w) -> (w.status().problem() != null) ? 1 : 0)
			.description("Whether the last read of the relation state file failed (1) or not (0)")
			.tag("endpoint", endpoint)
			.register(registry);
	}

	@Override
	public void refreshed(Duration took, boolean changed) {
		this.refreshes.record(took);
	}

	@Override
	public void problem(String message) {
		this.stateFileErrors.increment();
	}

	/**
	 * Counts a change once, whatever the number of events it produced: the events of one
	 * change are published after the watcher took it in, so they all see its time.
	 */
	@EventListener
	void onRelationEvent(RelationEvent event) {
		Instant change = this.watcher.status().lastChange();
		Instant counted = this.lastCountedChange.get();
		if (change != null && !Objects.equals(change, counted)
				&& this.lastCountedChange.compareAndSet(counted, change)) {
			this.changes.increment();
		}
	}

}
