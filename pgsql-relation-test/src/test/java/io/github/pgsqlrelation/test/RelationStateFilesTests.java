package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RelationStateFiles}.
 */
class RelationStateFilesTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static PostgresCluster cluster;

	@TempDir
	Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.builder().standbys(2).database("myapp").start();
	}

	@AfterAll
	static void closeCluster() {
		cluster.close();
	}

	@Test
	void resolvedFileNamesThePrimaryAsMasterAndTheRunningStandbys() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.writeResolved(file, cluster);
		JsonNode root = read(file);
		assertThat(root.get("version").asInt()).isEqualTo(1);
		assertThat(root.get("relations")).hasSize(1);
		JsonNode relation = root.get("relations").get(0);
		assertThat(relation.get("shape").asString()).isEqualTo("resolved");
		assertThat(relation.get("endpoint").asString()).isEqualTo("db");
		assertThat(relation.get("relation-id").asInt()).isEqualTo(7);
		assertThat(relation.get("remote-app").asString()).isEqualTo("postgresql");
		assertThat(relation.get("master").asString()).isEqualTo(cluster.primary().connectionString());
		assertThat(relation.get("standbys").valueStream().map(JsonNode::asString))
			.containsExactlyElementsOf(cluster.standbys().stream().map(PostgresNode::connectionString).toList());
		assertThat(relation.get("database").asString()).isEqualTo("myapp");
		assertThat(relation.get("version").asString()).isEqualTo(cluster.serverVersion());
	}

	@Test
	void postgresqlClientFileHoldsTheProvidersBagAndTheResolvedUserSecretAsAMachineCharmPublishesThem()
			throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.writePostgresqlClient(file, cluster);
		JsonNode relation = read(file).get("relations").get(0);
		assertThat(relation.get("interface").asString()).isEqualTo("postgresql_client");
		assertThat(relation.get("endpoint").asString()).isEqualTo("database");
		assertThat(relation.get("relation-id").asInt()).isEqualTo(12);
		assertThat(relation.get("requested").get("database").asString()).isEqualTo("myapp");
		JsonNode bag = relation.get("remote-app-data");
		assertThat(bag.get("database").asString()).isEqualTo("myapp");
		assertThat(bag.get("endpoints").asString()).isEqualTo("127.0.0.1:" + cluster.primary().port());
		assertThat(bag.get("read-only-endpoints").asString()).isEqualTo(
				"127.0.0.1:" + cluster.standbys().get(0).port() + ",127.0.0.1:" + cluster.standbys().get(1).port());
		assertThat(bag.get("version").asString()).isEqualTo(cluster.serverVersion());
		assertThat(bag.get("secret-user").asString()).startsWith("secret://");
		assertThat(bag.has("secret-tls")).isFalse();
		assertThat(bag.has("password")).isFalse();
		JsonNode user = relation.get("secrets").get("secret-user");
		assertThat(user.get("username").asString()).isEqualTo(cluster.user());
		assertThat(user.get("password").asString()).isEqualTo(cluster.password());
		assertThat(user.get("uris").asString()).startsWith("postgresql://relation-7:");
	}

	@Test
	void postgresqlClientFileCarriesTheTlsSecretOrPlainCredentialsWhenAsked() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.postgresqlClient(cluster).tls("-----BEGIN CERTIFICATE-----\n...").write(file);
		JsonNode relation = read(file).get("relations").get(0);
		assertThat(relation.get("remote-app-data").get("secret-tls").asString()).startsWith("secret://");
		JsonNode tls = relation.get("secrets").get("secret-tls");
		assertThat(tls.get("tls").asString()).isEqualTo("True");
		assertThat(tls.get("tls-ca").asString()).isEqualTo("-----BEGIN CERTIFICATE-----\n...");
		RelationStateFiles.postgresqlClient(cluster).plainCredentials().endpoint("pg").write(file);
		relation = read(file).get("relations").get(0);
		assertThat(relation.get("endpoint").asString()).isEqualTo("pg");
		assertThat(relation.get("remote-app-data").get("password").asString()).isEqualTo(cluster.password());
		assertThat(relation.get("remote-app-data").has("secret-user")).isFalse();
		assertThat(relation.get("secrets").isEmpty()).isTrue();
	}

	@Test
	void fileIsReadableByItsOwnerOnlyAndLeavesNoTemporaryFileBehind() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.writeResolved(file, cluster);
		RelationStateFiles.writeRaw(file, cluster);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		try (var files = Files.list(this.directory)) {
			assertThat(files).containsExactly(file);
		}
		assertThat(read(file).get("relations").get(0).get("shape").asString()).isEqualTo("raw");
	}

	@Test
	void rawFileIsReadyAsAVersionTwoServerPublishesIt() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.writeRaw(file, cluster);
		JsonNode relation = read(file).get("relations").get(0);
		assertThat(relation.get("local-unit").asString()).isEqualTo("myapp/0");
		assertThat(relation.get("local-unit-data").get("egress-subnets").asString()).isEqualTo("127.0.0.1/32");
		assertThat(relation.get("requested").get("database").asString()).isEqualTo("myapp");
		assertThat(relation.get("requested").get("roles").asString()).isEmpty();
		JsonNode app = relation.get("remote-app-data");
		assertThat(app.get("master").asString()).isEqualTo(cluster.primary().connectionString());
		assertThat(app.get("standbys").asString()).isEqualTo(
				cluster.standbys().get(0).connectionString() + "\n" + cluster.standbys().get(1).connectionString());
		assertThat(app.get("database").asString()).isEqualTo("myapp");
		assertThat(app.get("allowed-subnets").asString()).isEqualTo("127.0.0.1/32");
		assertThat(app.get("version").asString()).isEqualTo(cluster.serverVersion());
		assertThat(relation.get("remote-units-data").propertyNames()).containsExactly("postgresql/0", "postgresql/1",
				"postgresql/2");
	}

	@Test
	void canonicalStyleFilePublishesInTheLeaderUnitBagWithCommaJoinedStandbys() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.raw(cluster).relationId(10).canonicalStyle().write(file);
		JsonNode relation = read(file).get("relations").get(0);
		assertThat(relation.get("relation-id").asInt()).isEqualTo(10);
		assertThat(relation.get("remote-app-data").isEmpty()).isTrue();
		JsonNode leader = relation.get("remote-units-data").get("postgresql/0");
		assertThat(leader.get("master").asString()).isEqualTo(cluster.primary().connectionString());
		assertThat(leader.get("standbys").asString()).isEqualTo(
				cluster.standbys().get(0).connectionString() + "," + cluster.standbys().get(1).connectionString());
		assertThat(leader.get("allowed-subnets").asString()).isEqualTo("127.0.0.1/32");
		assertThat(leader.get("state").asString()).isEqualTo("master");
		assertThat(leader.get("user").asString()).isEqualTo(cluster.user());
		assertThat(relation.get("remote-units-data").get("postgresql/1").has("master")).isFalse();
	}

	@Test
	void notReadyVariantsLeaveOutTheDatabaseOrTheLocalSubnet() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.raw(cluster).egressNotAllowed().databaseNotMirrored().write(file);
		JsonNode app = read(file).get("relations").get(0).get("remote-app-data");
		assertThat(app.has("database")).isFalse();
		assertThat(app.get("allowed-subnets").asString()).doesNotContain("127.0.0.1");
	}

	@Test
	void explicitNodesDescribeAStaleFile() throws IOException {
		Path file = this.directory.resolve("relations.json");
		PostgresNode formerPrimary = cluster.standbys().get(1);
		RelationStateFiles.resolved(cluster).master(formerPrimary).standbys(List.of(cluster.primary())).write(file);
		JsonNode relation = read(file).get("relations").get(0);
		assertThat(relation.get("master").asString()).isEqualTo(formerPrimary.connectionString());
		assertThat(relation.get("standbys")).hasSize(1);
		RelationStateFiles.resolved(cluster).master(null).standbys(List.of()).write(file);
		relation = read(file).get("relations").get(0);
		assertThat(relation.get("master").isNull()).isTrue();
		assertThat(relation.get("standbys")).isEmpty();
	}

	@Test
	void severalRelationsGoInOneFileInOrder() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.write(file, RelationStateFiles.raw(cluster).relationId(7),
				RelationStateFiles.resolved(cluster).relationId(8).endpoint("replica-db"));
		JsonNode relations = read(file).get("relations");
		assertThat(relations).hasSize(2);
		assertThat(relations.get(0).get("relation-id").asInt()).isEqualTo(7);
		assertThat(relations.get(1).get("relation-id").asInt()).isEqualTo(8);
		assertThat(relations.get(1).get("endpoint").asString()).isEqualTo("replica-db");
	}

	@Test
	void noRelationsIsAnEmptyArray() throws IOException {
		Path file = this.directory.resolve("relations.json");
		RelationStateFiles.write(file);
		assertThat(read(file).get("relations").isArray()).isTrue();
		assertThat(read(file).get("relations")).isEmpty();
	}

	private static JsonNode read(Path file) throws IOException {
		return MAPPER.readTree(Files.readString(file));
	}

}
