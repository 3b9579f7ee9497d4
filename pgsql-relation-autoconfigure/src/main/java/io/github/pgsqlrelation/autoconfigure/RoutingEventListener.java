package io.github.pgsqlrelation.autoconfigure;

import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;

import org.springframework.context.event.EventListener;

/**
 * Drives the routing {@code DataSource} by the relation's events, whoever publishes them.
 */
final class RoutingEventListener {

	private final RelationRoutingDataSource dataSource;

	RoutingEventListener(RelationRoutingDataSource dataSource) {
		this.dataSource = dataSource;
	}

	@EventListener
	void onMasterChanged(MasterChangedEvent event) {
		this.dataSource.onMasterChanged(event);
	}

	@EventListener
	void onStandbyChanged(StandbyChangedEvent event) {
		this.dataSource.onStandbyChanged(event);
	}

}
