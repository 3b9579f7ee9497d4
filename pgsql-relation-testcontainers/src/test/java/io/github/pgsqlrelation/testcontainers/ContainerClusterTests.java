package io.github.pgsqlrelation.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.pgsqlrelation.test.ClusterNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import io.github.pgsqlrelation.test.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A {@link ContainerCluster} of real containers, used through {@link TestCluster} alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerClusterTests {

	private static ContainerCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = new ContainerCluster().withStandbys(1)
			.withRelation((described) -> RelationStateFiles.raw(described).canonicalStyle());
		cluster.start();
	}

	@AfterAll
	static void stopCluster() {
		Path stateFile = cluster.relationStateFile();
		cluster.close();
		assertThat(stateFile).doesNotExist();
	}

	@Test
	@Order(1)
	void standbysReplayWhatThePrimaryWritesAndRefuseWrites() throws SQLException {
		TestCluster any = cluster;
		execute(any.primary(), "CREATE TABLE item (id int)", "INSERT INTO item VALUES (1)");
		any.awaitReplication();
		ClusterNode standby = any.standbys().get(0);
		assertThat(query(standby, "SELECT count(*) FROM item")).isEqualTo("1");
		assertThat(query(standby, "SELECT pg_is_in_recovery()")).isEqualTo("t");
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> execute(standby, "INSERT INTO item VALUES (2)"))
			.withMessageContaining("read-only transaction");
	}

	@Test
	@Order(2)
	void nodesArePublishedOnLoopbackWithTheRelationUsersCredentials() throws SQLException {
		for (ClusterNode node : cluster.nodes()) {
			assertThat(node.host()).isEqualTo("127.0.0.1");
			assertThat(node.connectionString()).contains("host=127.0.0.1", "port=" + node.port(), "user=relation-7",
					"dbname=app");
			assertThat(query(node, "SELECT current_user")).isEqualTo("relation-7");
		}
		assertThat(cluster.serverVersion()).matches("\\d+\\.\\d+");
	}

	@Test
	@Order(3)
	void relationStateFileDescribesTheClusterAsConfigured() throws Exception {
		JsonNode relation = stateFileRelation();
		assertThat(relation.get("shape").asString()).isEqualTo("raw");
		JsonNode leaderBag = relation.get("remote-units-data").get("postgresql/0");
		assertThat(leaderBag.get("master").asString()).contains("port=" + cluster.primary().port());
		assertThat(leaderBag.get("standbys").asString()).contains("port=" + cluster.standbys().get(0).port());
	}

	@Test
	@Order(4)
	void addedStandbyStreamsAndRemovedOneLeavesTheStateFile() throws Exception {
		ContainerNode added = cluster.addStandby();
		assertThat(query(added, "SELECT count(*) FROM item")).isEqualTo("1");
		assertThat(leaderBag().get("standbys").asString()).contains("port=" + added.port());
		cluster.removeStandby(added);
		assertThat(cluster.nodes()).doesNotContain(added);
		assertThat(added.isRunning()).isFalse();
		assertThat(leaderBag().get("standbys").asString()).doesNotContain("port=" + added.port());
	}

	@Test
	@Order(5)
	void pausedNodeAnswersAgainOnceResumed() throws SQLException {
		ClusterNode standby = cluster.standbys().get(0);
		cluster.pause(standby);
		assertThat(standby.isPaused()).isTrue();
		assertThat(standby.isRunning()).isTrue();
		cluster.resume(standby);
		assertThat(standby.isPaused()).isFalse();
		assertThat(query(standby, "SELECT 1")).isEqualTo("1");
	}

	@Test
	@Order(6)
	void operationsRefuseNodesOfAnotherClusterAndPrimaries() {
		ClusterNode primary = cluster.primary();
		assertThatIllegalArgumentException().isThrownBy(() -> cluster.promote(primary))
			.withMessageContaining("is not a standby");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cluster.kill(new ContainerNode(new ContainerCluster(), 9, "none", "127.0.0.1", 1)))
			.withMessageContaining("is not a node of this cluster");
	}

	@Test
	@Order(7)
	void promotedStandbyTakesWritesAndTheStateFileNamesIt() throws Exception {
		ClusterNode standby = cluster.standbys().get(0);
		ClusterNode former = cluster.primary();
		cluster.kill(former);
		assertThat(former.isRunning()).isFalse();
		cluster.promote(standby);
		assertThat(cluster.primary()).isEqualTo(standby);
		execute(standby, "INSERT INTO item VALUES (3)");
		assertThat(leaderBag().get("master").asString()).contains("port=" + standby.port());
	}

	@Test
	void imageNotDeclaredCompatibleWithPostgresIsRefused() {
		assertThatIllegalStateException().isThrownBy(() -> new ContainerCluster(DockerImageName.parse("mysql:8")))
			.withMessageContaining("postgres");
	}

	private static JsonNode leaderBag() throws Exception {
		return stateFileRelation().get("remote-units-data").get("postgresql/0");
	}

	private static JsonNode stateFileRelation() throws Exception {
		return JsonMapper.builder()
			.build()
			.readTree(Files.readString(cluster.relationStateFile()))
			.get("relations")
			.get(0);
	}

	private static void execute(ClusterNode node, String... statements) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static String query(ClusterNode node, String sql) throws SQLException {
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).isTrue();
			return result.getString(1);
		}
	}

}
