package io.github.pgsqlrelation.autoconfigure.migration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for schema migrations (Flyway, Liquibase) over the pgsql
 * relation.
 */
@ConfigurationProperties("pgsql.relation.migrations")
public class PgsqlRelationMigrationProperties {

	/**
	 * Whether to defer schema migrations while the relation has no master: the
	 * application starts, refuses traffic, and migrates when a master is first available.
	 * When false, Spring Boot's usual migration at start-up applies, and start-up fails
	 * without a master.
	 */
	private boolean defer = true;

	public boolean isDefer() {
		return this.defer;
	}

	public void setDefer(boolean defer) {
		this.defer = defer;
	}

}
