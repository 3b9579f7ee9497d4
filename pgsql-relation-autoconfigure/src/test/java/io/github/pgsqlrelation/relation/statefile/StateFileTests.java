package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.statefile.StateFiles.bag;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.raw;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.resolved;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.state;
import static org.assertj.core.api.Assertions.assertThat;

class StateFileTests {

	private static final Map<String, String> READY_MASTER = bag("master", "dbname=myapp host=m", "database", "myapp");

	@Test
	void hasNoRelationWhenTheEndpointHasNone() {
		EndpointRelations endpoint = state().endpoint("db", null);
		assertThat(endpoint).isEqualTo(EndpointRelations.none("db", "no db relation"));
		assertThat(endpoint.effective().readiness().status()).isEqualTo(Readiness.Status.NO_RELATION);
	}

	@Test
	void looksOnlyAtTheRelationsOfTheEndpoint() {
		StateFile state = state(raw(7).endpoint("other").unit("postgresql/0", READY_MASTER),
				resolved(8, "postgresql", "host=m"));
		EndpointRelations other = state.endpoint("other", null);
		assertThat(other.relations()).hasSize(1);
		assertThat(other.effective().relation()).isEqualTo(new RelationRef("other", 7, "postgresql"));
		assertThat(state.endpoint("db", null).effective().relation()).isEqualTo(new RelationRef("db", 8, "postgresql"));
		assertThat(state.endpoint("third", null).effective().readiness())
			.isEqualTo(Readiness.noRelation("no third relation"));
	}

	@Test
	void handsOutTheOnlyRelation() {
		EndpointRelations endpoint = state(raw(7).unit("postgresql/0", READY_MASTER)).endpoint("db", null);
		assertThat(endpoint.relations()).containsExactly(endpoint.effective());
		assertThat(endpoint.effective().master()).isEqualTo(ConnectionString.parse("dbname=myapp host=m"));
	}

	@Test
	void handsOutTheOnlyRelationAlsoWhenItIsNotReady() {
		EndpointRelations endpoint = state(raw(7).requested(bag("database", "myapp"))).endpoint("db", null);
		assertThat(endpoint.effective().readiness().status()).isEqualTo(Readiness.Status.NOT_READY);
		assertThat(endpoint.effective().relation()).isEqualTo(new RelationRef("db", 7, "postgresql"));
		assertThat(endpoint.effective().database()).isEqualTo("myapp");
	}

	@Test
	void handsOutNothingWhenTheEndpointHasMoreThanOneRelation() {
		EndpointRelations endpoint = state(resolved(9, "pg2", "host=b"), resolved(7, "postgresql", "host=a"))
			.endpoint("db", null);
		assertThat(endpoint.relations()).extracting(RelationSnapshot::relation)
			.containsExactly(new RelationRef("db", 7, "postgresql"), new RelationRef("db", 9, "pg2"));
		assertThat(endpoint.relations()).allSatisfy((snapshot) -> assertThat(snapshot.master()).isNotNull());
		assertThat(endpoint.effective()).isEqualTo(
				RelationSnapshot.empty("db", Readiness.ambiguous("Too many db relations: 7 (postgresql), 9 (pg2)")));
	}

	@Test
	void acceptsTheExpectedDatabase() {
		EndpointRelations endpoint = state(
				raw(7).requested(bag("database", "myapp")).unit("postgresql/0", READY_MASTER))
			.endpoint("db", "myapp");
		assertThat(endpoint.effective().readiness().isReady()).isTrue();
	}

	@Test
	void refusesARelationForAnotherDatabase() {
		EndpointRelations endpoint = state(
				raw(7).requested(bag("database", "myapp")).unit("postgresql/0", READY_MASTER))
			.endpoint("db", "orders");
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness
			.notReady("relation db:7 (postgresql) is for database 'myapp' but database 'orders' is expected"));
		assertThat(effective.master()).isNull();
		assertThat(effective.standbys()).isEmpty();
		assertThat(endpoint.relations()).containsExactly(effective);
	}

	@Test
	void refusesARelationThatRequestedAnotherDatabaseEvenBeforeItIsReady() {
		RelationSnapshot effective = state(raw(7).requested(bag("database", "myapp"))).endpoint("db", "orders")
			.effective();
		assertThat(effective.readiness().reason()).contains("'myapp'").contains("'orders'");
	}

	@Test
	void comparesTheExpectedDatabaseWithTheMastersDatabaseWhenTheRelationNamesNone() {
		StateFile state = state(resolved(11, "postgresql", "dbname=myapp host=m"));
		assertThat(state.endpoint("db", "myapp").effective().readiness().isReady()).isTrue();
		assertThat(state.endpoint("db", "orders").effective().readiness().reason())
			.isEqualTo("relation db:11 (postgresql) is for database 'myapp' but database 'orders' is expected");
	}

	@Test
	void refusesARelationThatDoesNotSayWhichDatabaseItIsFor() {
		StateFile state = state(resolved(11, "postgresql", "host=m"));
		assertThat(state.endpoint("db", "myapp").effective().readiness()).isEqualTo(Readiness.notReady(
				"relation db:11 (postgresql) does not say which database it is for, but database 'myapp' is expected"));
		assertThat(state.endpoint("db", null).effective().readiness().isReady()).isTrue();
	}

}
