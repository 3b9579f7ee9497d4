package io.github.pgsqlrelation.autoconfigure;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Lets an application that publishes {@link MasterChangedEvent} or
 * {@link StandbyChangedEvent} from a source of its own drive the routing, through the
 * same method the state file watcher calls. The watcher's own events change nothing here:
 * their snapshot is already in force. Runs before other listeners of the event.
 */
final class RoutingEventListener {

	private final ObjectProvider<DataSource> dataSource;

	RoutingEventListener(ObjectProvider<DataSource> dataSource) {
		this.dataSource = dataSource;
	}

	@EventListener({ MasterChangedEvent.class, StandbyChangedEvent.class })
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onRelationChanged(RelationEvent event) {
		RelationRoutingDataSource routing = RoutingDataSources.find(this.dataSource);
		if (routing != null) {
			routing.relationChanged(event.snapshot());
		}
	}

}
