package io.github.pgsqlrelation.relation;

import java.util.List;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.jspecify.annotations.Nullable;

/**
 * A change of the relation, named after the events of the Python {@code pgsql} charm
 * library whatever the Juju interface, plus those of an interface's own library (for
 * {@code postgresql_client}: {@link DatabaseCreatedEvent}, {@link EndpointsChangedEvent},
 * {@link ReadOnlyEndpointsChangedEvent}, {@link AuthenticationUpdatedEvent}). Published
 * as a Spring application event, so applications can {@code @EventListener} any of its
 * subtypes.
 */
public sealed interface RelationEvent permits DatabaseRelationJoinedEvent, MasterAvailableEvent, MasterChangedEvent,
		MasterGoneEvent, StandbyAvailableEvent, StandbyChangedEvent, StandbyGoneEvent, DatabaseAvailableEvent,
		DatabaseChangedEvent, DatabaseGoneEvent, DatabaseRelationBrokenEvent, DatabaseCreatedEvent,
		EndpointsChangedEvent, ReadOnlyEndpointsChangedEvent, AuthenticationUpdatedEvent {

	/** Returns what the endpoint hands out after this event. */
	RelationSnapshot snapshot();

	default @Nullable RelationRef relation() {
		return snapshot().relation();
	}

	default @Nullable ConnectionString master() {
		return snapshot().master();
	}

	default List<ConnectionString> standbys() {
		return snapshot().standbys();
	}

	default @Nullable String database() {
		return snapshot().database();
	}

	default @Nullable String version() {
		return snapshot().version();
	}

}
