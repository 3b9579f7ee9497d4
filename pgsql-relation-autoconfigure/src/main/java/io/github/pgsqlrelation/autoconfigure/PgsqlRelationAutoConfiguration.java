package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;

import io.github.pgsqlrelation.relation.RelationStateWatcher;
import io.github.pgsqlrelation.relation.RelationStateWatcher.RefreshListener;
import io.github.pgsqlrelation.relation.StateFilePolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration for the pgsql relation: follows the relation state file the charm
 * writes, publishes the relation's events and, unless the application has its own,
 * provides a {@link javax.sql.DataSource} that routes writes to the master and read-only
 * transactions to the standbys.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnProperty(prefix = "pgsql.relation", name = "state-file")
@EnableConfigurationProperties(PgsqlRelationProperties.class)
@Import({ RoutingDataSourceConfiguration.class, IgnoredDataSourcePropertiesConfiguration.class,
		JdbcConnectionDetailsConfiguration.class, HibernateStartupConfiguration.class })
public final class PgsqlRelationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RelationStateWatcher pgsqlRelationStateWatcher(PgsqlRelationProperties properties,
			ApplicationEventPublisher eventPublisher, ObjectProvider<RefreshListener> refreshListeners) {
		Path stateFile = PgsqlRelationPropertiesValidator.validate(properties);
		RelationStateWatcher watcher = new RelationStateWatcher(stateFile, properties.getEndpoint(),
				properties.getDatabase(), properties.getRecheckInterval(), eventPublisher::publishEvent,
				new RefreshListeners(refreshListeners), new StateFilePolicy(properties.getStateFileMaxSize().toBytes(),
						properties.isStateFileRequirePrivate()));
		// Read now, so that the relation is in force for the rest of the context's
		// start-up
		// (schema initialization, JPA); events are published once listeners are
		// registered.
		watcher.load();
		return watcher;
	}

	@Bean
	RelationStateWatcherLifecycle pgsqlRelationStateWatcherLifecycle(RelationStateWatcher watcher) {
		return new RelationStateWatcherLifecycle(watcher);
	}

}
