package io.github.pgsqlrelation.test;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Polls a condition until it holds.
 */
final class Waits {

	private Waits() {
	}

	/**
	 * Waits until the condition holds, treating its failures as "not yet".
	 * @param timeout how long to wait
	 * @param description what is awaited, for the error message
	 * @param condition the condition
	 * @throws IllegalStateException if it still does not hold after the timeout
	 */
	static void until(Duration timeout, String description, Condition condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		@Nullable Exception lastFailure = null;
		while (true) {
			try {
				if (condition.holds()) {
					return;
				}
			}
			catch (Exception ex) {
				lastFailure = ex;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Timed out after " + timeout + " waiting until " + description
								+ ((lastFailure != null) ? " (last failure: " + lastFailure.getMessage() + ")" : ""),
						lastFailure);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting until " + description, ex);
			}
		}
	}

	@FunctionalInterface
	interface Condition {

		boolean holds() throws Exception;

	}

}
