package io.github.pgsqlrelation.autoconfigure.health;

import java.util.List;

import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.statefile.RelationStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The relation's own health: UP when the endpoint has exactly one ready relation, DOWN
 * with the reason otherwise. A state file that cannot be read keeps the last good state
 * in force, so it shows as a detail, not as DOWN.
 */
final class RelationHealthIndicator implements HealthIndicator {

	private final RelationStateWatcher watcher;

	RelationHealthIndicator(RelationStateWatcher watcher) {
		this.watcher = watcher;
	}

	@Override
	public Health health() {
		RelationStatus status = this.watcher.status();
		RelationSnapshot effective = status.relations().effective();
		Readiness readiness = effective.readiness();
		Health.Builder health = (readiness.isReady() ? Health.up() : Health.down())
			.withDetail("endpoint", status.relations().endpoint())
			.withDetail("readiness", readiness.status().name());
		if (readiness.reason() != null) {
			health.withDetail("reason", readiness.reason());
		}
		if (effective.relation() != null) {
			health.withDetail("relation", effective.relation().toString());
		}
		if (effective.database() != null) {
			health.withDetail("database", effective.database());
		}
		if (effective.version() != null) {
			health.withDetail("version", effective.version());
		}
		health.withDetail("standbys", effective.standbys().size());
		List<RelationSnapshot> relations = status.relations().relations();
		if (relations.size() > 1) {
			health.withDetail("relations", relations.stream().map(RelationHealthIndicator::describe).toList());
		}
		if (status.lastChange() != null) {
			health.withDetail("lastChange", status.lastChange().toString());
		}
		health.withDetail("stateFile", this.watcher.file().toString());
		if (status.problem() != null) {
			health.withDetail("stateFileProblem", status.problem());
			if (status.problemTime() != null) {
				health.withDetail("stateFileProblemTime", status.problemTime().toString());
			}
		}
		return health.build();
	}

	private static String describe(RelationSnapshot snapshot) {
		Readiness readiness = snapshot.readiness();
		String relation = (snapshot.relation() != null) ? snapshot.relation().toString() : "?";
		return relation + ": " + readiness.status()
				+ ((readiness.reason() != null) ? " (" + readiness.reason() + ")" : "");
	}

}
