package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.pgsql.PgsqlEntryReader;
import io.github.pgsqlrelation.relation.postgresqlclient.PostgresqlClientEntryReader;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.github.pgsqlrelation.connection.ConnectionString;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/} honest: every example reads as documented, and the JSON Schema
 * requires what the reader requires.
 */
class DocumentedContractTests {

	private static final Path DOCS = Path.of("../docs");

	private static final Map<String, Consumer<EndpointRelations>> EXPECTED = Map.of("raw-protocol-v2.json",
			RelationSamplesTests::assertProtocolV2, "raw-canonical-postgresql.json",
			RelationSamplesTests::assertCanonicalPostgresql, "resolved.json", DocumentedContractTests::assertResolved,
			"two-relations-ambiguous.json", DocumentedContractTests::assertAmbiguous,
			"not-ready-request-not-mirrored.json", DocumentedContractTests::assertNotReady,
			"postgresql-client-machine-tls.json", DocumentedContractTests::assertMachineCharmWithTls,
			"postgresql-client-kubernetes.json", DocumentedContractTests::assertKubernetesCharm,
			"postgresql-client-plain-credentials.json", DocumentedContractTests::assertPlainCredentials,
			"postgresql-client-secret-not-resolved.json", DocumentedContractTests::assertSecretNotResolved);

	@Test
	void everyExampleHasAnExpectedOutcome() throws IOException {
		try (Stream<Path> files = Files.list(DOCS.resolve("examples"))) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
		}
	}

	@Test
	void everyExampleReadsAsDocumented() {
		EXPECTED.forEach((name, expectation) -> {
			StateFile state = StateFile.read(DOCS.resolve("examples").resolve(name));
			expectation.accept(state.endpoint(name.startsWith("postgresql-client-") ? "database" : "db", null));
		});
	}

	@Test
	void theDocumentNamesEveryExample() throws IOException {
		String document = Files.readString(DOCS.resolve("relation-state.md"));
		assertThat(EXPECTED.keySet()).allSatisfy((name) -> assertThat(document).contains("(examples/" + name + ")"));
	}

	@Test
	void theSchemaRequiresWhatTheReaderRequires() {
		JsonNode schema = JsonMapper.builder().build().readTree(DOCS.resolve("relation-state.schema.json").toFile());
		assertThat(schema.get("$schema").stringValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
		assertThat(required(schema)).isEqualTo(StateFileReader.REQUIRED);
		JsonNode definitions = schema.get("$defs");
		assertThat(required(definitions.get("relation"))).isEqualTo(StateFileReader.RELATION_REQUIRED);
		assertThat(required(definitions.get("pgsql"))).isEqualTo(PgsqlEntryReader.REQUIRED);
		assertThat(required(definitions.get("postgresql_client"))).isEqualTo(PostgresqlClientEntryReader.REQUIRED);
		assertThat(required(definitions.get("postgresql_client").get("properties").get("requested")))
			.isEqualTo(PostgresqlClientEntryReader.REQUESTED_REQUIRED);
		assertThat(definitions.get("relation").get("properties").get("interface").get("enum").values())
			.extracting(JsonNode::stringValue)
			.containsExactly("pgsql", "postgresql_client");
		assertThat(required(definitions.get("raw"))).isEqualTo(PgsqlEntryReader.RAW_REQUIRED);
		assertThat(required(definitions.get("resolved"))).isEqualTo(PgsqlEntryReader.RESOLVED_REQUIRED);
		assertThat(schema.get("properties").get("version").get("const").intValue())
			.isEqualTo(StateFileReader.SUPPORTED_VERSION);
		assertThat(definitions.get("pgsql").get("properties").get("shape").get("enum").values())
			.extracting(JsonNode::stringValue)
			.containsExactly("raw", "resolved");
	}

	private static List<String> required(JsonNode node) {
		return node.get("required").values().stream().map(JsonNode::stringValue).toList();
	}

	private static void assertResolved(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness.READY);
		assertThat(effective.relation()).isEqualTo(new RelationRef("db", 11, "postgresql"));
		assertThat(effective.master().get("host")).isEqualTo("10.0.0.5");
		assertThat(effective.standbys()).extracting((standby) -> standby.get("host"))
			.containsExactly("10.0.0.6", "10.0.0.7");
		assertThat(effective.database()).isEqualTo("myapp");
		assertThat(effective.version()).isEqualTo("14.9");
	}

	private static void assertAmbiguous(EndpointRelations endpoint) {
		assertThat(endpoint.relations()).hasSize(2);
		assertThat(endpoint.effective()).isEqualTo(
				RelationSnapshot.empty("db", Readiness.ambiguous("Too many db relations: 7 (postgresql), 9 (pg2)")));
	}

	private static void assertNotReady(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness())
			.isEqualTo(Readiness.notReady("postgresql/0: extensions requested 'citext' but published ''"));
		assertThat(effective.master()).isNull();
		assertThat(effective.standbys()).isEmpty();
		assertThat(effective.database()).isEqualTo("orders");
	}

	private static void assertMachineCharmWithTls(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness.READY);
		assertThat(effective.relation()).isEqualTo(new RelationRef("database", 12, "postgresql"));
		assertThat(effective.master().get("host")).isEqualTo("10.1.2.3");
		assertThat(effective.master().user()).isEqualTo("relation-12");
		assertThat(effective.standbys()).extracting((standby) -> standby.get("host"))
			.containsExactly("10.1.2.4", "10.1.2.5");
		assertThat(effective.standbys())
			.allSatisfy((standby) -> assertThat(standby.get("sslmode")).isEqualTo("verify-full"));
		assertThat(effective.master().get("sslmode")).isEqualTo("verify-full");
		assertThat(Path.of(effective.master().get("sslrootcert"))).content().startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(effective.database()).isEqualTo("myapp");
		assertThat(effective.version()).isEqualTo("16.6");
	}

	private static void assertKubernetesCharm(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness.READY);
		assertThat(effective.master().hosts())
			.containsExactly(new ConnectionString.Host("postgresql-k8s-primary.prod.svc.cluster.local", 5432));
		assertThat(effective.standbys()).singleElement()
			.satisfies((standby) -> assertThat(standby.hosts())
				.containsExactly(new ConnectionString.Host("postgresql-k8s-replicas.prod.svc.cluster.local", 5432)));
		assertThat(effective.master().get("sslmode")).isNull();
		assertThat(effective.version()).isEqualTo("14.15");
	}

	private static void assertPlainCredentials(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness()).isEqualTo(Readiness.READY);
		assertThat(effective.master().get("host")).isEqualTo("10.1.2.3");
		assertThat(effective.master().user()).isEqualTo("relation-9");
		assertThat(effective.standbys()).extracting((standby) -> standby.get("host")).containsExactly("10.1.2.4");
	}

	private static void assertSecretNotResolved(EndpointRelations endpoint) {
		RelationSnapshot effective = endpoint.effective();
		assertThat(effective.readiness())
			.isEqualTo(Readiness.notReady("waiting for credentials: the secret named in secret-user was not resolved"));
		assertThat(effective.master()).isNull();
		assertThat(effective.standbys()).isEmpty();
	}

}
