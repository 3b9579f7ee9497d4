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
import org.springframework.util.function.SingletonSupplier;

/**
 * Lets an application that publishes {@link MasterChangedEvent} or
 * {@link StandbyChangedEvent} from a source of its own drive the routing, through the
 * same method the state file watcher calls. The watcher's own events change nothing here:
 * their snapshot is already in force. Runs before other listeners of the event.
 */
final class RoutingEventListener {

	/** Looked up at the first event, once: a lookup per event costs each change time. */
	private final SingletonSupplier<RelationRoutingDataSource> routing;

	RoutingEventListener(ObjectProvider<DataSource> dataSource) {
		this.routing = SingletonSupplier.of(() -> RoutingDataSources.find(dataSource));
	}

	@EventListener({ MasterChangedEvent.class, StandbyChangedEvent.class })
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onRelationChanged(RelationEvent event) {
		RelationRoutingDataSource routing = this.routing.get();
		if (routing != null) {
			routing.relationChanged(event.snapshot());
		}
	}

}
