package io.github.pgsqlrelation.autoconfigure.integration;

/**
 * Spring Boot's two schema migration tools, each with a migration that succeeds and one
 * that fails until the table {@code migration_gate} exists. Both record, in the table
 * {@code migrated}, the port of the server they ran on.
 */
enum MigrationTool {

	FLYWAY("Flyway", "spring.flyway.enabled", "spring.flyway.locations=classpath:migration/flyway/ok",
			"spring.flyway.locations=classpath:migration/flyway/gated"),

	LIQUIBASE("Liquibase", "spring.liquibase.enabled",
			"spring.liquibase.change-log=classpath:migration/liquibase/ok.sql",
			"spring.liquibase.change-log=classpath:migration/liquibase/gated.sql");

	private final String tool;

	private final String enabled;

	private final String succeeding;

	private final String gated;

	MigrationTool(String tool, String enabled, String succeeding, String gated) {
		this.tool = tool;
		this.enabled = enabled;
		this.succeeding = succeeding;
		this.gated = gated;
	}

	/** The name the library reports the tool's migrations under. */
	String tool() {
		return this.tool;
	}

	/** Command-line arguments that turn the tool on with a migration that succeeds. */
	String[] succeeding(String schema) {
		return args(this.succeeding, schema);
	}

	/** Command-line arguments that turn the tool on with a migration that fails. */
	String[] gated(String schema) {
		return args(this.gated, schema);
	}

	private String[] args(String migration, String schema) {
		return new String[] { "--" + this.enabled + "=true", "--" + migration,
				"--pgsql.relation.pool.schema=" + schema };
	}

}
