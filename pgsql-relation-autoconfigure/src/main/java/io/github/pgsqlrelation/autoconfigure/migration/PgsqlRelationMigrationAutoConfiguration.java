package io.github.pgsqlrelation.autoconfigure.migration;

import java.time.Clock;

import javax.sql.DataSource;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of schema migrations over the relation: Spring Boot's Flyway and
 * Liquibase migrate the routing {@code DataSource}, whose connections for them go to the
 * master; when the relation has no master at start-up, the migrations wait for one
 * instead of failing the start-up, and the application refuses traffic until they have
 * succeeded. {@code pgsql.relation.migrations.defer=false} turns this off.
 */
@AutoConfiguration(after = { PgsqlRelationAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class },
		beforeName = { "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@Conditional(PgsqlRelationMigrationAutoConfiguration.MigrationToolCondition.class)
@ConditionalOnBean(RelationRoutingDataSource.class)
@ConditionalOnBooleanProperty(name = "pgsql.relation.migrations.defer", matchIfMissing = true)
@EnableConfigurationProperties(PgsqlRelationMigrationProperties.class)
@Import({ PgsqlRelationMigrationAutoConfiguration.FlywayConfiguration.class,
		PgsqlRelationMigrationAutoConfiguration.LiquibaseConfiguration.class,
		PgsqlRelationMigrationAutoConfiguration.ReadinessConfiguration.class,
		PgsqlRelationMigrationAutoConfiguration.HealthConfiguration.class })
public final class PgsqlRelationMigrationAutoConfiguration {

	@Bean
	RelationMigrations pgsqlRelationMigrations(RelationStateWatcher watcher, DataSource dataSource) {
		// The master in force now; later changes come through the watcher. Taking the
		// DataSource first makes the routing subscribe first: a new master is in force
		// before a deferred migration, on a thread of its own, asks for a connection.
		RelationMigrations migrations = new RelationMigrations(watcher.current().master(), Clock.systemUTC());
		watcher.subscribe(migrations);
		return migrations;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Flyway.class, FlywayMigrationInitializer.class })
	@ConditionalOnBooleanProperty(name = "spring.flyway.enabled", matchIfMissing = true)
	static class FlywayConfiguration {

		@Bean
		@ConditionalOnMissingBean(FlywayMigrationInitializer.class)
		FlywayMigrationInitializer pgsqlRelationFlywayInitializer(Flyway flyway,
				ObjectProvider<FlywayMigrationStrategy> strategy, RelationMigrations migrations,
				DataSource dataSource) {
			return FlywayDeferral.initializer(flyway, strategy.getIfAvailable(), migrations, dataSource);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpringLiquibase.class)
	@ConditionalOnBooleanProperty(name = "spring.liquibase.enabled", matchIfMissing = true)
	static class LiquibaseConfiguration {

		@Bean
		static LiquibaseDeferral pgsqlRelationLiquibaseDeferral(ObjectProvider<RelationMigrations> migrations,
				ObjectProvider<DataSource> dataSource) {
			return new LiquibaseDeferral(migrations, dataSource);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ApplicationAvailability.class)
	static class ReadinessConfiguration {

		@Bean
		MigrationReadiness pgsqlRelationMigrationReadiness(RelationMigrations migrations,
				ApplicationAvailability availability, ApplicationEventPublisher eventPublisher) {
			return new MigrationReadiness(migrations, availability, eventPublisher);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("pgsqlrelation")
	static class HealthConfiguration {

		@Bean
		HealthIndicator pgsqlRelationMigrationsHealthIndicator(RelationMigrations migrations) {
			return new MigrationsHealthIndicator(migrations);
		}

	}

	static final class MigrationToolCondition extends AnyNestedCondition {

		MigrationToolCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnClass(name = { "org.flywaydb.core.Flyway",
				"org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer" })
		@ConditionalOnBooleanProperty(name = "spring.flyway.enabled", matchIfMissing = true)
		static final class FlywayEnabled {

		}

		@ConditionalOnClass(name = "liquibase.integration.spring.SpringLiquibase")
		@ConditionalOnBooleanProperty(name = "spring.liquibase.enabled", matchIfMissing = true)
		static final class LiquibaseEnabled {

		}

	}

}
