package io.github.pgsqlrelation.relation;

import org.jspecify.annotations.Nullable;

/**
 * Whether the data of an endpoint may be used, and why not.
 *
 * @param status the status
 * @param reason why the endpoint is not ready, {@code null} when ready
 */
public record Readiness(Status status, @Nullable String reason) {

	/** The endpoint is ready. */
	public static final Readiness READY = new Readiness(Status.READY, null);

	/**
	 * Checks that a ready endpoint has no reason and any other has one.
	 * @throws IllegalArgumentException when they disagree
	 */
	public Readiness {
		if ((status == Status.READY) != (reason == null)) {
			throw new IllegalArgumentException((status == Status.READY) ? "A ready endpoint has no reason"
					: "An endpoint that is " + status + " needs a reason");
		}
	}

	/**
	 * Returns the readiness of a relation whose server has not granted what was asked.
	 */
	public static Readiness notReady(String reason) {
		return new Readiness(Status.NOT_READY, reason);
	}

	/** Returns the readiness of an endpoint with more than one relation. */
	public static Readiness ambiguous(String reason) {
		return new Readiness(Status.AMBIGUOUS, reason);
	}

	/** Returns the readiness of an endpoint with no (usable) relation. */
	public static Readiness noRelation(String reason) {
		return new Readiness(Status.NO_RELATION, reason);
	}

	/** Returns whether the endpoint's data may be used. */
	public boolean isReady() {
		return this.status == Status.READY;
	}

	/** Readiness status. */
	public enum Status {

		/** Exactly one relation, and its data passed the protocol's readiness rules. */
		READY,

		/**
		 * The relation exists, but the server has not (yet) granted what was requested.
		 */
		NOT_READY,

		/** More than one relation on the endpoint: nothing is handed out. */
		AMBIGUOUS,

		/** No relation on the endpoint (or no usable state file). */
		NO_RELATION

	}

}
