package io.github.pgsqlrelation.relation.postgresqlclient;

import java.util.List;

import io.github.pgsqlrelation.relation.AuthenticationUpdatedEvent;
import io.github.pgsqlrelation.relation.DatabaseAvailableEvent;
import io.github.pgsqlrelation.relation.DatabaseChangedEvent;
import io.github.pgsqlrelation.relation.DatabaseCreatedEvent;
import io.github.pgsqlrelation.relation.DatabaseGoneEvent;
import io.github.pgsqlrelation.relation.DatabaseRelationBrokenEvent;
import io.github.pgsqlrelation.relation.DatabaseRelationJoinedEvent;
import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.EndpointsChangedEvent;
import io.github.pgsqlrelation.relation.MasterAvailableEvent;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.MasterGoneEvent;
import io.github.pgsqlrelation.relation.ReadOnlyEndpointsChangedEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationEvents;
import io.github.pgsqlrelation.relation.StandbyAvailableEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.relation.StandbyGoneEvent;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.CA;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.OTHER_CA;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.machine;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.state;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events of a {@code postgresql_client} relation: the {@code pgsql} family's first
 * (the routing and existing listeners follow them), then those named after the
 * data-platform library's requirer events.
 */
class ClientEventsTests {

	private static final EndpointRelations NONE = EndpointRelations.none("database", "no database relation");

	@Test
	void tellsThatTheDatabaseWasCreatedAfterTheFamilysEvents() {
		EndpointRelations ready = machine(12, "10.1.2.4").read();
		List<RelationEvent> events = RelationEvents.between(NONE, ready);
		assertThat(types(events)).containsExactly(DatabaseRelationJoinedEvent.class, MasterAvailableEvent.class,
				MasterChangedEvent.class, StandbyAvailableEvent.class, StandbyChangedEvent.class,
				DatabaseAvailableEvent.class, DatabaseChangedEvent.class, DatabaseCreatedEvent.class);
		assertThat(events.get(events.size() - 1).snapshot()).isEqualTo(ready.effective());
	}

	@Test
	void tellsThatTheDatabaseWasCreatedOnceTheCredentialsAreResolved() {
		EndpointRelations waiting = machine(12, "10.1.2.4").unresolved("secret-user").read();
		assertThat(types(RelationEvents.between(NONE, waiting))).containsExactly(DatabaseRelationJoinedEvent.class);
		assertThat(types(RelationEvents.between(waiting, machine(12, "10.1.2.4").read()))).containsExactly(
				MasterAvailableEvent.class, MasterChangedEvent.class, StandbyAvailableEvent.class,
				StandbyChangedEvent.class, DatabaseAvailableEvent.class, DatabaseChangedEvent.class,
				DatabaseCreatedEvent.class);
	}

	@Test
	void tellsNothingWhenNothingChanged() {
		assertThat(RelationEvents.between(machine(12, "10.1.2.4").read(), machine(12, "10.1.2.4").read())).isEmpty();
	}

	@Test
	void tellsOfASwitchoverAsBothEndpointListsChanged() {
		EndpointRelations before = machine(12, "10.1.2.4").read();
		EndpointRelations after = machine(12, "10.1.2.3").bag("endpoints", "10.1.2.4:5432").read();
		assertThat(types(RelationEvents.between(before, after))).containsExactly(MasterChangedEvent.class,
				StandbyChangedEvent.class, DatabaseChangedEvent.class, EndpointsChangedEvent.class,
				ReadOnlyEndpointsChangedEvent.class);
	}

	@Test
	void tellsOfANewReplicaAsReadOnlyEndpointsChanged() {
		EndpointRelations before = machine(12, "10.1.2.4").read();
		EndpointRelations after = machine(12, "10.1.2.4", "10.1.2.5").read();
		assertThat(types(RelationEvents.between(before, after))).containsExactly(StandbyChangedEvent.class,
				DatabaseChangedEvent.class, ReadOnlyEndpointsChangedEvent.class);
	}

	@Test
	void ignoresTheOrderOfTheReadOnlyEndpoints() {
		EndpointRelations before = machine(12, "10.1.2.4", "10.1.2.5").read();
		EndpointRelations after = machine(12, "10.1.2.5", "10.1.2.4").read();
		assertThat(RelationEvents.between(before, after)).isEmpty();
	}

	@Test
	void tellsOfARotatedPasswordAsAuthenticationUpdated() {
		EndpointRelations before = machine(12, "10.1.2.4").read();
		EndpointRelations after = machine(12, "10.1.2.4")
			.secret("secret-user", "username", "relation_id_12", "password", "Hn4xRv9qLp")
			.read();
		assertThat(types(RelationEvents.between(before, after))).containsExactly(MasterChangedEvent.class,
				StandbyChangedEvent.class, DatabaseChangedEvent.class, AuthenticationUpdatedEvent.class);
	}

	@Test
	void tellsOfANewCaOnlyThroughTheFamilysEvents() {
		EndpointRelations before = machine(12, "10.1.2.4").tls(CA).read();
		EndpointRelations after = machine(12, "10.1.2.4").tls(OTHER_CA).read();
		assertThat(types(RelationEvents.between(before, after))).containsExactly(MasterChangedEvent.class,
				StandbyChangedEvent.class, DatabaseChangedEvent.class);
	}

	@Test
	void tellsNothingOfItsOwnWhenTheRelationIsNoLongerReady() {
		EndpointRelations before = machine(12, "10.1.2.4").read();
		EndpointRelations after = machine(12, "10.1.2.4").unresolved("secret-user").read();
		assertThat(types(RelationEvents.between(before, after))).containsExactly(MasterChangedEvent.class,
				MasterGoneEvent.class, StandbyChangedEvent.class, StandbyGoneEvent.class, DatabaseChangedEvent.class,
				DatabaseGoneEvent.class);
	}

	@Test
	void tellsNothingOfItsOwnWhileTwoRelationsMakeTheEndpointAmbiguous() {
		EndpointRelations one = machine(12, "10.1.2.4").read();
		EndpointRelations two = state(machine(12, "10.1.2.4"), machine(14, "10.1.2.4")).endpoint("database", null);
		assertThat(types(RelationEvents.between(one, two))).doesNotContain(DatabaseCreatedEvent.class,
				EndpointsChangedEvent.class, ReadOnlyEndpointsChangedEvent.class, AuthenticationUpdatedEvent.class);
		List<RelationEvent> back = RelationEvents.between(two, machine(14, "10.1.2.4").read());
		assertThat(types(back)).contains(DatabaseCreatedEvent.class).endsWith(DatabaseRelationBrokenEvent.class);
		assertThat(back.get(types(back).indexOf(DatabaseCreatedEvent.class)).relation().id()).isEqualTo(14);
	}

	@Test
	void tellsThatTheDatabaseWasCreatedWhenAnotherRelationTakesOver() {
		EndpointRelations before = machine(12, "10.1.2.4").read();
		EndpointRelations after = machine(14, "10.1.2.4").read();
		assertThat(types(RelationEvents.between(before, after))).containsExactly(DatabaseRelationJoinedEvent.class,
				MasterChangedEvent.class, StandbyChangedEvent.class, DatabaseChangedEvent.class,
				DatabaseCreatedEvent.class, DatabaseRelationBrokenEvent.class);
	}

	private static List<Class<?>> types(List<RelationEvent> events) {
		return events.stream().<Class<?>>map(Object::getClass).toList();
	}

}
