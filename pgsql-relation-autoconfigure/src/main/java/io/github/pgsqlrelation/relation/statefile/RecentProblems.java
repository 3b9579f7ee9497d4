package io.github.pgsqlrelation.relation.statefile;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the problems seen lately, so that a file flapping between good and bad
 * content reports each distinct problem once rather than at every change.
 */
final class RecentProblems {

	/** A problem not seen for this long is new again. */
	static final Duration MEMORY = Duration.ofMinutes(1);

	/** Bounds the memory when every problem differs (e.g. by position). */
	private static final int CAPACITY = 64;

	private final Map<String, Instant> lastSeen = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
			return size() > CAPACITY;
		}

	};

	/**
	 * Records that the problem was seen now and returns whether it is new: not seen
	 * within the last minute.
	 */
	boolean seen(String problem, Instant now) {
		Instant previous = this.lastSeen.put(problem, now);
		return previous == null || Duration.between(previous, now).compareTo(MEMORY) >= 0;
	}

}
