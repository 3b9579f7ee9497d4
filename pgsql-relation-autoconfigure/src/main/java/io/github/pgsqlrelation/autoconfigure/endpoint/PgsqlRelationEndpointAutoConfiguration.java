package io.github.pgsqlrelation.autoconfigure.endpoint;

import javax.sql.DataSource;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.autoconfigure.RoutingDataSources;
import io.github.pgsqlrelation.autoconfigure.migration.RelationMigrations;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pgsqlrelation} actuator endpoint.
 */
@AutoConfiguration(after = PgsqlRelationAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(RelationStateWatcher.class)
@ConditionalOnAvailableEndpoint(PgsqlRelationEndpoint.class)
public final class PgsqlRelationEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PgsqlRelationEndpoint pgsqlRelationEndpoint(RelationStateWatcher watcher, ObjectProvider<DataSource> dataSource,
			ObjectProvider<RelationMigrations> migrations) {
		return new PgsqlRelationEndpoint(watcher, RoutingDataSources.find(dataSource), migrations.getIfAvailable());
	}

}
