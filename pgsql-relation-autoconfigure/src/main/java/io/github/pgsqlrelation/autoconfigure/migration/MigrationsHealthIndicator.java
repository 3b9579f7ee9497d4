package io.github.pgsqlrelation.autoconfigure.migration;

import java.util.List;

import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus.State;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The schema migrations' health: DOWN when a run failed (with the error), OUT_OF_SERVICE
 * while they wait for a master or run, UP once every one has succeeded.
 */
final class MigrationsHealthIndicator implements HealthIndicator {

	private final RelationMigrations migrations;

	MigrationsHealthIndicator(RelationMigrations migrations) {
		this.migrations = migrations;
	}

	@Override
	public Health health() {
		List<MigrationStatus> statuses = this.migrations.status();
		Health.Builder health = Health.status(status(statuses));
		for (MigrationStatus status : statuses) {
			health.withDetail(status.tool(), describe(status));
		}
		return health.build();
	}

	private static Status status(List<MigrationStatus> statuses) {
		if (statuses.stream().anyMatch((status) -> status.state() == State.FAILED)) {
			return Status.DOWN;
		}
		if (statuses.stream().allMatch((status) -> status.state() == State.SUCCEEDED)) {
			return Status.UP;
		}
		return Status.OUT_OF_SERVICE;
	}

	private static String describe(MigrationStatus status) {
		String text = status.state().name() + " since " + status.time();
		return (status.error() != null) ? text + ": " + status.error() : text;
	}

}
