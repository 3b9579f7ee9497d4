package io.github.pgsqlrelation.autoconfigure.migration;

import java.nio.file.Path;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PgsqlRelationMigrationAutoConfiguration}, without a server: the
 * relation has no master, since its state file does not exist.
 */
class PgsqlRelationMigrationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class,
				PgsqlRelationMigrationAutoConfiguration.class, DataSourceAutoConfiguration.class,
				FlywayAutoConfiguration.class, LiquibaseAutoConfiguration.class,
				ApplicationAvailabilityAutoConfiguration.class))
		.withPropertyValues("spring.liquibase.enabled=false");

	@TempDir
	Path directory;

	@Test
	void withFlywayAndAMissingStateFileTheApplicationStartsAndFlywayWaitsForAMaster() {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + this.directory.resolve("missing.json"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(FlywayMigrationInitializer.class);
				assertThat(context.getBean(RelationMigrations.class).status()).singleElement()
					.satisfies((status) -> assertThat(status.tool()).isEqualTo("Flyway"))
					.satisfies((status) -> assertThat(status.state()).isEqualTo(State.WAITING_FOR_MASTER));
				assertThat(context.getBean("pgsqlRelationMigrationsHealthIndicator", HealthIndicator.class)
					.health()
					.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			});
	}

	@Test
	void withLiquibaseAndAMissingStateFileTheApplicationStartsAndLiquibaseWaitsForAMaster() {
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + this.directory.resolve("missing.json"),
					"spring.flyway.enabled=false", "spring.liquibase.enabled=true",
					"spring.liquibase.change-log=classpath:migration/liquibase/ok.sql")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RelationMigrations.class).status()).singleElement()
					.satisfies((status) -> assertThat(status.tool()).isEqualTo("Liquibase"))
					.satisfies((status) -> assertThat(status.state()).isEqualTo(State.WAITING_FOR_MASTER));
			});
	}

	@Test
	void deferralOffLeavesSpringBootsFailAtStartUp() {
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + this.directory.resolve("missing.json"),
					"pgsql.relation.migrations.defer=false")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("missing.json"));
	}

	@Test
	void backsOffWhenNoMigrationToolIsEnabled() {
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + this.directory.resolve("missing.json"),
					"spring.flyway.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RelationMigrations.class));
	}

	@Test
	void backsOffWithoutMigrationTools() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class,
					PgsqlRelationMigrationAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.flywaydb", "liquibase"))
			.withPropertyValues("pgsql.relation.state-file=" + this.directory.resolve("missing.json"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RelationMigrations.class));
	}

}
