package io.github.pgsqlrelation.autoconfigure;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.RelationStateWatcher;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingListener;
import io.github.pgsqlrelation.routing.RoutingSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The routing {@link DataSource}, unless the application defines its own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(DataSource.class)
class RoutingDataSourceConfiguration {

	@Bean
	RelationRoutingDataSource dataSource(PgsqlRelationProperties properties, RelationStateWatcher watcher,
			ObjectProvider<RoutingListener> listeners) {
		PgsqlRelationProperties.Routing routing = properties.getRouting();
		RoutingSettings settings = new RoutingSettings(routing.isReadFallbackToMaster(), routing.getRetireTimeout(),
				routing.getStandbyConnectionTimeout(), routing.getStandbyRetryInterval(), routing.getHostRecheck(),
				routing.getBusyStandbys());
		RelationRoutingDataSource dataSource = new RelationRoutingDataSource(properties.getPool(), settings,
				properties.getEndpoint(), () -> watcher.status().state().effective().readiness().reason(),
				RoutingListeners.of(listeners.orderedStream().toList()));
		// The state read at start-up is in force before anything else uses the
		// DataSource; the
		// same events, published later, change nothing.
		RelationSnapshot initial = watcher.status().state().effective();
		dataSource.onMasterChanged(new MasterChangedEvent(initial));
		dataSource.onStandbyChanged(new StandbyChangedEvent(initial));
		return dataSource;
	}

	@Bean
	RoutingEventListener pgsqlRelationRoutingEventListener(RelationRoutingDataSource dataSource) {
		return new RoutingEventListener(dataSource);
	}

}
