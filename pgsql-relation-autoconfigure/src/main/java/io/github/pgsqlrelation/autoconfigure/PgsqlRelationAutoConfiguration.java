package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher.RefreshListener;
import io.github.pgsqlrelation.relation.statefile.StateFilePolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration for the pgsql relation: follows the relation state file the charm
 * writes, publishes the relation's events and, unless the application has its own,
 * provides a {@link javax.sql.DataSource} that routes writes to the master and read-only
 * transactions to the standbys. The state file is named by
 * {@code pgsql.relation.state-file}, or by a {@link PgsqlRelationConnectionDetails} bean
 * (Spring Boot's {@code @ServiceConnection}), which wins.
 * <p>
 * A change reaches the library's own consumers (the routing, readiness) through one path:
 * they {@linkplain RelationStateWatcher#subscribe subscribe} to the watcher, which calls
 * them before it publishes the change's events to the application.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@Conditional(OnRelationStateFileCondition.class)
@EnableConfigurationProperties(PgsqlRelationProperties.class)
@Import({ RoutingDataSourceConfiguration.class, IgnoredDataSourcePropertiesConfiguration.class,
		JdbcConnectionDetailsConfiguration.class, HibernateStartupConfiguration.class,
		ReadYourWritesWebConfiguration.class })
public final class PgsqlRelationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RelationStateWatcher pgsqlRelationStateWatcher(PgsqlRelationProperties properties,
			ApplicationEventPublisher eventPublisher, ObjectProvider<RefreshListener> refreshListeners,
			ObjectProvider<PgsqlRelationConnectionDetails> connectionDetails) {
		Path stateFile = PgsqlRelationPropertiesValidator.validate(properties, connectionDetails.getIfAvailable());
		RelationStateWatcher.Settings settings = new RelationStateWatcher.Settings(stateFile, properties.getEndpoint(),
				properties.getDatabase(), properties.getRecheckInterval(), new StateFilePolicy(
						properties.getStateFileMaxSize().toBytes(), properties.isStateFileRequirePrivate()));
		RelationStateWatcher watcher = new RelationStateWatcher(settings, eventPublisher::publishEvent,
				new RefreshListeners(refreshListeners));
		// Read now, so that the relation is in force for the rest of the context's
		// start-up (schema initialization, JPA); events are published once the
		// application's listeners are registered.
		watcher.load();
		return watcher;
	}

	@Bean
	RelationStateWatcherLifecycle pgsqlRelationStateWatcherLifecycle(RelationStateWatcher watcher) {
		return new RelationStateWatcherLifecycle(watcher);
	}

}
