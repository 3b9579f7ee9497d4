package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relation data samples of real servers, converted to the state file format.
 */
class RelationSamplesTests {

	private static EndpointRelations read(String sample) throws Exception {
		Path file = Path.of(RelationSamplesTests.class.getResource("/relation/" + sample).toURI());
		return StateFile.read(file).endpoint("db", null);
	}

	@Test
	void readsAServerFollowingTheProtocol() throws Exception {
		assertProtocolV2(read("protocol-v2-application-bag.json"));
	}

	@Test
	void readsCanonicalsPostgresqlCharm() throws Exception {
		assertCanonicalPostgresql(read("canonical-postgresql-leader-unit-bag.json"));
	}

	@Test
	void expectsTheDatabaseTheSampleWasRequestedFor() throws Exception {
		Path file = Path
			.of(RelationSamplesTests.class.getResource("/relation/canonical-postgresql-leader-unit-bag.json").toURI());
		StateFile state = StateFile.read(file);
		assertThat(state.endpoint("db", "myapp").effective().readiness().isReady()).isTrue();
		assertThat(state.endpoint("db", "foo").effective().readiness().isReady()).isFalse();
	}

	static void assertProtocolV2(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness.READY);
		assertThat(effective.relation()).isEqualTo(new RelationRef("db", 3, "postgresql"));
		assertThat(effective.master().keywords()).containsEntry("host", "prod1")
			.containsEntry("password", "it's complicated")
			.containsEntry("connect_timeout", "3");
		assertThat(effective.standbys()).extracting((standby) -> standby.get("host")).containsExactly("prod2", "prod3");
		assertThat(effective.standbys())
			.allSatisfy((standby) -> assertThat(standby.get("password")).isEqualTo("it's complicated"));
		assertThat(effective.database()).isEqualTo("foo");
		assertThat(effective.version()).isEqualTo("16");
		assertThat(effective.toString()).doesNotContain("complicated");
	}

	static void assertCanonicalPostgresql(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness.READY);
		assertThat(effective.relation()).isEqualTo(new RelationRef("db", 10, "postgresql"));
		assertThat(effective.master().keywords()).containsEntry("host", "10.252.20.109")
			.containsEntry("user", "relation-10")
			.containsEntry("dbname", "myapp");
		assertThat(effective.standbys()).extracting((standby) -> standby.get("host"))
			.isEqualTo(List.of("10.252.20.54", "10.252.20.92"));
		assertThat(effective.standbys())
			.allSatisfy((standby) -> assertThat(standby.keywords()).containsEntry("user", "relation-10")
				.containsEntry("password", "Xq3vTn8sLw")
				.containsEntry("port", "5432"));
		assertThat(effective.database()).isEqualTo("myapp");
		assertThat(effective.version()).isEqualTo("14.9");
		assertThat(effective.toString()).doesNotContain("Xq3vTn8sLw");
	}

}
