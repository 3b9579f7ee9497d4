package io.github.pgsqlrelation.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.PoolCustomizer;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;

/**
 * The routing {@link DataSource}, unless the application defines its own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(DataSource.class)
class RoutingDataSourceConfiguration {

	@Bean
	RelationRoutingDataSource dataSource(PgsqlRelationProperties properties, RelationStateWatcher watcher,
			ObjectProvider<RoutingListener> listeners, ObjectProvider<PoolCustomizer> customizers) {
		// Looked up when the first pool is made, as the relation applies, and kept: a
		// lookup per pool would cost each change of the relation time.
		SingletonSupplier<List<PoolCustomizer>> poolCustomizers = SingletonSupplier
			.of(() -> customizers.orderedStream().toList());
		RelationRoutingDataSource dataSource = new RelationRoutingDataSource(properties.getPool(),
				PgsqlRelationPropertiesValidator.routingSettings(properties.getRouting()), properties.getEndpoint(),
				RoutingListeners.of(listeners.orderedStream().toList()), (backend, config) -> poolCustomizers.obtain()
					.forEach((customizer) -> customizer.customize(backend, config)));
		// A standby's first connection would compete with the start for the CPU while
		// no read waits for it.
		dataSource.setStandbyFillDeferred(true);
		// The relation in force now applies before anything uses the DataSource, and
		// every change applies before the application hears of it.
		watcher.subscribe(dataSource);
		return dataSource;
	}

	/** The standbys' pools fill once the application is ready, not while it starts. */
	@Bean
	ApplicationListener<ApplicationReadyEvent> pgsqlRelationStandbyFill(
			ObjectProvider<RelationRoutingDataSource> dataSource) {
		return (event) -> dataSource.ifAvailable((routing) -> routing.setStandbyFillDeferred(false));
	}

	@Bean
	RoutingEventListener pgsqlRelationRoutingEventListener(ObjectProvider<DataSource> dataSource) {
		return new RoutingEventListener(dataSource);
	}

}
