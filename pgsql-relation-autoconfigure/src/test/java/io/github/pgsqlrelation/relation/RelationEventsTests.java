package io.github.pgsqlrelation.relation;

import io.github.pgsqlrelation.relation.statefile.StateFile;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.statefile.StateFiles.bag;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.raw;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.resolved;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.state;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event derivation, including the cases of the Python library's own tests
 * ({@code TestPostgreSQLClient} in {@code tests/test_client.py}): the remote application
 * bag publishes master and standbys one per line, and the server has granted the client's
 * subnet.
 */
class RelationEventsTests {

	private static final ConnectionString MASTER = ConnectionString.parse("dbname=master");

	private static final ConnectionString STANDBY = ConnectionString.parse("dbname=standby");

	private static final EndpointRelations NONE = EndpointRelations.none("db", "no db relation");

	private static EndpointRelations dbs(String master, String... standbys) {
		return relation(bag("master", master, "standbys", String.join("\n", standbys)));
	}

	private static EndpointRelations relation(Map<String, String> appData) {
		Map<String, String> granted = bag("allowed-subnets", "127.1.2.3/24");
		Map<String, String> app = bag("allowed-subnets", "127.1.2.3/24", "database", "myapp");
		app.putAll(appData);
		return state(raw(7).localUnitData(bag("egress-subnets", "127.1.2.3/24"))
			.requested(bag("database", "myapp"))
			.appData(app)
			.unit("postgresql/3", granted)
			.unit("postgresql/4", granted)).endpoint("db", null);
	}

	private static List<Class<?>> types(List<RelationEvent> events) {
		return events.stream().<Class<?>>map(Object::getClass).toList();
	}

	@Test
	void emitsJoinedWhenTheRelationAppears() {
		EndpointRelations joined = dbs("");
		List<RelationEvent> events = RelationEvents.between(NONE, joined);
		assertThat(types(events)).containsExactly(DatabaseRelationJoinedEvent.class);
		assertThat(events.get(0).relation()).isEqualTo(new RelationRef("db", 7, "postgresql"));
	}

	@Test
	void emitsNothingWhenNothingChanged() {
		assertThat(
				RelationEvents.between(dbs("dbname=master", "dbname=standby"), dbs("dbname=master", "dbname=standby")))
			.isEmpty();
		assertThat(RelationEvents.between(NONE, NONE)).isEmpty();
	}

	@Test
	void emitsMasterAvailable() {
		List<RelationEvent> events = RelationEvents.between(dbs(""), dbs("dbname=master"));
		assertThat(types(events)).containsExactly(MasterAvailableEvent.class, MasterChangedEvent.class,
				DatabaseAvailableEvent.class, DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.master()).isEqualTo(MASTER);
			assertThat(event.standbys()).isEmpty();
			assertThat(event.database()).isEqualTo("myapp");
		});
	}

	@Test
	void emitsStandbyAvailable() {
		List<RelationEvent> events = RelationEvents.between(dbs(""), dbs("", "dbname=standby"));
		assertThat(types(events)).containsExactly(StandbyAvailableEvent.class, StandbyChangedEvent.class,
				DatabaseAvailableEvent.class, DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.master()).isNull();
			assertThat(event.standbys()).containsExactly(STANDBY);
		});
	}

	@Test
	void emitsEveryAvailableEventWhenMasterAndStandbysAppearTogether() {
		List<RelationEvent> events = RelationEvents.between(dbs(""),
				dbs("dbname=master", "dbname=standby1", "dbname=standby2"));
		assertThat(types(events)).containsExactly(MasterAvailableEvent.class, MasterChangedEvent.class,
				StandbyAvailableEvent.class, StandbyChangedEvent.class, DatabaseAvailableEvent.class,
				DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> assertThat(event.standbys())
			.containsExactly(ConnectionString.parse("dbname=standby1"), ConnectionString.parse("dbname=standby2")));
	}

	@Test
	void emitsJoinedBeforeTheAvailableEventsOfANewRelation() {
		assertThat(types(RelationEvents.between(NONE, dbs("dbname=master")))).containsExactly(
				DatabaseRelationJoinedEvent.class, MasterAvailableEvent.class, MasterChangedEvent.class,
				DatabaseAvailableEvent.class, DatabaseChangedEvent.class);
	}

	@Test
	void emitsMasterChanged() {
		List<RelationEvent> events = RelationEvents.between(dbs("dbname=org_master", "dbname=standby"),
				dbs("dbname=master", "dbname=standby"));
		assertThat(types(events)).containsExactly(MasterChangedEvent.class, DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.master()).isEqualTo(MASTER);
			assertThat(event.standbys()).containsExactly(STANDBY);
		});
	}

	@Test
	void emitsStandbyChanged() {
		List<RelationEvent> events = RelationEvents.between(dbs("dbname=master", "dbname=org_standby"),
				dbs("dbname=master", "dbname=standby"));
		assertThat(types(events)).containsExactly(StandbyChangedEvent.class, DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> assertThat(event.standbys()).containsExactly(STANDBY));
	}

	@Test
	void emitsEveryChangedEventWhenMasterAndStandbysChangeTogether() {
		assertThat(types(RelationEvents.between(dbs("dbname=org_master", "dbname=org_standby"),
				dbs("dbname=master", "dbname=standby"))))
			.containsExactly(MasterChangedEvent.class, StandbyChangedEvent.class, DatabaseChangedEvent.class);
	}

	@Test
	void emitsMasterGoneAndDatabaseGoneWhenNoStandbyIsLeft() {
		List<RelationEvent> events = RelationEvents.between(dbs("dbname=master"), dbs(""));
		assertThat(types(events)).containsExactly(MasterChangedEvent.class, MasterGoneEvent.class,
				DatabaseChangedEvent.class, DatabaseGoneEvent.class);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.master()).isNull();
			assertThat(event.standbys()).isEmpty();
		});
	}

	@Test
	void emitsMasterGoneButNotDatabaseGoneWhileStandbysRemain() {
		List<RelationEvent> events = RelationEvents.between(dbs("dbname=master", "dbname=standby"),
				dbs("", "dbname=standby"));
		assertThat(types(events)).containsExactly(MasterChangedEvent.class, MasterGoneEvent.class,
				DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> assertThat(event.standbys()).containsExactly(STANDBY));
	}

	@Test
	void emitsStandbyGoneAndDatabaseGoneWhenNoMasterIsLeft() {
		assertThat(types(RelationEvents.between(dbs("", "dbname=standby"), dbs("")))).containsExactly(
				StandbyChangedEvent.class, StandbyGoneEvent.class, DatabaseChangedEvent.class, DatabaseGoneEvent.class);
	}

	@Test
	void emitsStandbyGoneButNotDatabaseGoneWhileTheMasterRemains() {
		List<RelationEvent> events = RelationEvents.between(dbs("dbname=master", "dbname=standby"),
				dbs("dbname=master"));
		assertThat(types(events)).containsExactly(StandbyChangedEvent.class, StandbyGoneEvent.class,
				DatabaseChangedEvent.class);
		assertThat(events).allSatisfy((event) -> assertThat(event.master()).isEqualTo(MASTER));
	}

	@Test
	void emitsStandbyChangedButNotGoneWhenOneOfSeveralStandbysGoes() {
		assertThat(types(RelationEvents.between(dbs("dbname=master", "dbname=standby", "dbname=doomed_standby"),
				dbs("dbname=master", "dbname=standby"))))
			.containsExactly(StandbyChangedEvent.class, DatabaseChangedEvent.class);
	}

	@Test
	void emitsEveryGoneEventWhenMasterAndStandbysGoTogether() {
		assertThat(types(RelationEvents.between(dbs("dbname=master", "dbname=standby"), dbs("")))).containsExactly(
				MasterChangedEvent.class, MasterGoneEvent.class, StandbyChangedEvent.class, StandbyGoneEvent.class,
				DatabaseChangedEvent.class, DatabaseGoneEvent.class);
	}

	@Test
	void treatsARelationThatStopsBeingReadyAsGone() {
		// The server no longer publishes the requested database
		EndpointRelations unready = relation(
				bag("master", "dbname=master", "standbys", "dbname=standby", "database", "foo"));
		List<RelationEvent> events = RelationEvents.between(dbs("dbname=master", "dbname=standby"), unready);
		assertThat(types(events)).containsExactly(MasterChangedEvent.class, MasterGoneEvent.class,
				StandbyChangedEvent.class, StandbyGoneEvent.class, DatabaseChangedEvent.class, DatabaseGoneEvent.class);
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.master()).isNull();
			assertThat(event.standbys()).isEmpty();
			assertThat(event.snapshot().readiness().status()).isEqualTo(Readiness.Status.NOT_READY);
		});
	}

	@Test
	void ignoresAChangeOfStandbyOrderAlone() {
		assertThat(RelationEvents.between(dbs("dbname=master", "host=a", "host=b"),
				dbs("dbname=master", "host=b", "host=a")))
			.isEmpty();
	}

	@Test
	void emitsOnlyBrokenWhenARelationWithoutDatabasesGoes() {
		EndpointRelations previous = dbs("");
		List<RelationEvent> events = RelationEvents.between(previous, NONE);
		assertThat(types(events)).containsExactly(DatabaseRelationBrokenEvent.class);
		assertThat(events.get(0).snapshot()).isEqualTo(previous.relations().get(0));
	}

	@Test
	void emitsTheFinalMasterEventsBeforeBroken() {
		assertThat(types(RelationEvents.between(dbs("dbname=master"), NONE))).containsExactly(MasterChangedEvent.class,
				MasterGoneEvent.class, DatabaseChangedEvent.class, DatabaseGoneEvent.class,
				DatabaseRelationBrokenEvent.class);
	}

	@Test
	void emitsTheFinalStandbyEventsBeforeBroken() {
		assertThat(types(RelationEvents.between(dbs("", "dbname=standby"), NONE))).containsExactly(
				StandbyChangedEvent.class, StandbyGoneEvent.class, DatabaseChangedEvent.class, DatabaseGoneEvent.class,
				DatabaseRelationBrokenEvent.class);
	}

	@Test
	void emitsEveryFinalEventBeforeBrokenWhenARelationWithMasterAndStandbysGoes() {
		EndpointRelations previous = dbs("dbname=master", "dbname=standby");
		List<RelationEvent> events = RelationEvents.between(previous, NONE);
		assertThat(types(events)).containsExactly(MasterChangedEvent.class, MasterGoneEvent.class,
				StandbyChangedEvent.class, StandbyGoneEvent.class, DatabaseChangedEvent.class, DatabaseGoneEvent.class,
				DatabaseRelationBrokenEvent.class);
		assertThat(events.get(6).master()).isEqualTo(MASTER);
		assertThat(events.get(0).master()).isNull();
	}

	@Test
	void emitsGoneEventsWhenASecondRelationMakesTheEndpointAmbiguous() {
		StateFile both = state(resolved(7, "postgresql", "dbname=master"), resolved(9, "pg2", "dbname=other"));
		EndpointRelations previous = state(resolved(7, "postgresql", "dbname=master")).endpoint("db", null);
		List<RelationEvent> events = RelationEvents.between(previous, both.endpoint("db", null));
		assertThat(types(events)).containsExactly(DatabaseRelationJoinedEvent.class, MasterChangedEvent.class,
				MasterGoneEvent.class, DatabaseChangedEvent.class, DatabaseGoneEvent.class);
		assertThat(events.get(0).relation()).isEqualTo(new RelationRef("db", 9, "pg2"));
		assertThat(events.get(1).snapshot().readiness().status()).isEqualTo(Readiness.Status.AMBIGUOUS);
	}

	@Test
	void emitsJoinedAndBrokenInRelationIdOrder() {
		EndpointRelations previous = state(resolved(5, "a", ""), resolved(3, "b", "")).endpoint("db", null);
		EndpointRelations current = state(resolved(9, "c", ""), resolved(8, "d", "")).endpoint("db", null);
		assertThat(RelationEvents.between(previous, current)).extracting((event) -> event.relation().id())
			.containsExactly(8, 9, 3, 5);
	}

}
