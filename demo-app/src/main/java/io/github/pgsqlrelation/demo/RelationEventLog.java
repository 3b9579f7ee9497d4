package io.github.pgsqlrelation.demo;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the recent relation events, and the relation as the last of them described it.
 */
@Component
final class RelationEventLog {

	private static final int SIZE = 30;

	private final Deque<Entry> entries = new ArrayDeque<>();

	private volatile @Nullable RelationSnapshot latest;

	@EventListener
	void on(RelationEvent event) {
		this.latest = event.snapshot();
		synchronized (this.entries) {
			this.entries.addFirst(new Entry(Instant.now(), event));
			while (this.entries.size() > SIZE) {
				this.entries.removeLast();
			}
		}
	}

	/** Returns the events, newest first. */
	List<Entry> entries() {
		synchronized (this.entries) {
			return List.copyOf(this.entries);
		}
	}

	@Nullable RelationSnapshot latest() {
		return this.latest;
	}

	/**
	 * An event and when it came.
	 *
	 * @param time when it was received
	 * @param event the event
	 */
	record Entry(Instant time, RelationEvent event) {

	}

}
