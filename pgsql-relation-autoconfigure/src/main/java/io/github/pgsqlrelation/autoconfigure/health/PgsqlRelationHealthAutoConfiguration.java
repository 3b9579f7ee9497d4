package io.github.pgsqlrelation.autoconfigure.health;

import javax.sql.DataSource;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.autoconfigure.RoutingDataSources;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.Assert;

/**
 * Auto-configuration of the {@code pgsqlRelation} health contributor: the relation's
 * readiness and the health of every backend the routing {@code DataSource} uses at the
 * moment of the call.
 * <p>
 * It stands in for Spring Boot's {@code db} contributor, which would check the routing
 * {@code DataSource} by borrowing a master connection with the pool's full connection
 * timeout and would know nothing of the standbys.
 */
@AutoConfiguration(after = PgsqlRelationAutoConfiguration.class,
		beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean({ RelationStateWatcher.class, RelationRoutingDataSource.class })
@ConditionalOnEnabledHealthIndicator("pgsqlrelation")
@Import({ PgsqlRelationHealthAutoConfiguration.ReplacingDbHealthConfiguration.class,
		PgsqlRelationHealthAutoConfiguration.BesideDbHealthConfiguration.class })
public final class PgsqlRelationHealthAutoConfiguration {

	private static PgsqlRelationHealthContributor contributor(RelationStateWatcher watcher,
			ObjectProvider<DataSource> dataSource) {
		RelationRoutingDataSource routing = RoutingDataSources.find(dataSource);
		Assert.state(routing != null, "No routing DataSource behind the DataSource bean");
		return new PgsqlRelationHealthContributor(watcher, routing::topology, BackendHealthIndicator.DEFAULT_TIMEOUT);
	}

	/**
	 * Also known as {@code dbHealthContributor}, the name Spring Boot's DataSource health
	 * backs off for; the alias does not add a second contributor.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
	static class ReplacingDbHealthConfiguration {

		@Bean(name = { "pgsqlRelationHealthContributor", "dbHealthContributor" })
		PgsqlRelationHealthContributor pgsqlRelationHealthContributor(RelationStateWatcher watcher,
				ObjectProvider<DataSource> dataSource) {
			return contributor(watcher, dataSource);
		}

	}

	/**
	 * The application has its own {@code db} contributor: keep it and add ours beside it.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(DbHealthContributorCondition.class)
	static class BesideDbHealthConfiguration {

		@Bean
		PgsqlRelationHealthContributor pgsqlRelationHealthContributor(RelationStateWatcher watcher,
				ObjectProvider<DataSource> dataSource) {
			return contributor(watcher, dataSource);
		}

	}

	static final class DbHealthContributorCondition extends AnyNestedCondition {

		DbHealthContributorCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(name = "dbHealthIndicator")
		static final class DbHealthIndicator {

		}

		@ConditionalOnBean(name = "dbHealthContributor")
		static final class DbHealthContributor {

		}

	}

}
