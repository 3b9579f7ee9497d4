package io.github.pgsqlrelation.autoconfigure.migration;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Where one tool's schema migrations stand.
 *
 * @param tool {@code Flyway} or {@code Liquibase}
 * @param state what they are doing
 * @param error why the last run failed, {@code null} unless {@link State#FAILED}
 * @param time when the state was entered
 */
public record MigrationStatus(String tool, State state, @Nullable String error, Instant time) {

	/**
	 * The states of a tool's migrations.
	 */
	public enum State {

		/** Waiting for the relation to hand out a master. */
		WAITING_FOR_MASTER,

		/** Running on the master. */
		RUNNING,

		/** Done: the schema is current. */
		SUCCEEDED,

		/** The last run failed; retried when the master changes. */
		FAILED

	}

}
