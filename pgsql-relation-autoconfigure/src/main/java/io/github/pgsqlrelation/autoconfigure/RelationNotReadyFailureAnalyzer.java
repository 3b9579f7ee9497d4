package io.github.pgsqlrelation.autoconfigure;

import io.github.pgsqlrelation.routing.RelationNotReadyException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that needed the database (schema initialization, JPA metadata)
 * while the relation had no master.
 */
final class RelationNotReadyFailureAnalyzer extends AbstractFailureAnalyzer<RelationNotReadyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RelationNotReadyException cause) {
		return new FailureAnalysis(
				"The application needed a database connection while starting, but " + cause.getMessage(),
				"Check that the charm has written the relation state file (pgsql.relation.state-file), that the "
						+ "application accepts it (readable, valid, within the size limit and, when private files "
						+ "are required, with permissions 0600: the reason above says what is wrong with it) and "
						+ "that the PostgreSQL application has granted the relation; or let the application start "
						+ "without connecting (e.g. spring.sql.init.mode=never, an explicit Hibernate dialect). "
						+ "Flyway and Liquibase migrations wait for a master unless "
						+ "pgsql.relation.migrations.defer=false; to start without them, set "
						+ "spring.flyway.enabled=false or spring.liquibase.enabled=false.",
				cause);
	}

}
