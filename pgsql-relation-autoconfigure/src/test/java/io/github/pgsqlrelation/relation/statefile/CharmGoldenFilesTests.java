package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state files the charm-side exporter produces ({@code charm/tests/golden}, checked
 * byte for byte by the Python tests) read here to the outcome each one states, so that
 * the two sides cannot drift apart.
 */
class CharmGoldenFilesTests {

	private static final Path GOLDEN = Path.of("..", "charm", "tests", "golden");

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	static Stream<Path> goldenFiles() throws IOException {
		List<Path> files;
		try (Stream<Path> listing = Files.list(GOLDEN)) {
			files = listing.filter((path) -> path.toString().endsWith(".json"))
				.filter((path) -> !path.toString().endsWith(".outcome.json"))
				.sorted()
				.toList();
		}
		assertThat(files).as("golden files in %s", GOLDEN.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(8);
		return files.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("goldenFiles")
	void javaReaderConcludesWhatTheOutcomeFileStates(Path file) throws IOException {
		Path outcomeFile = file.resolveSibling(file.getFileName().toString().replace(".json", ".outcome.json"));
		assertThat(outcomeFile).as("outcome of %s", file).exists();
		JsonNode outcome = MAPPER.readTree(outcomeFile.toFile());
		// Outcome files older than the endpoint and tls keys are about db, without TLS
		String endpoint = (outcome.get("endpoint") != null) ? outcome.get("endpoint").asString() : "db";
		boolean tls = outcome.get("tls") != null && outcome.get("tls").asBoolean();
		RelationSnapshot effective = StateFile.read(file).endpoint(endpoint, null).effective();
		assertThat(effective.readiness().status().name()).isEqualTo(outcome.get("status").asString());
		assertThat((effective.master() != null) ? effective.master().get("host") : null)
			.isEqualTo(text(outcome.get("master_host")));
		assertThat(effective.standbys()).extracting((ConnectionString standby) -> standby.get("host"))
			.containsExactlyInAnyOrderElementsOf(
					outcome.get("standby_hosts").valueStream().map(JsonNode::asString).toList());
		if (effective.readiness().isReady()) {
			assertThat(effective.database()).isEqualTo(text(outcome.get("database")));
			assertThat(effective.version()).isEqualTo(text(outcome.get("version")));
		}
		List<ConnectionString> connections = new ArrayList<>(effective.standbys());
		if (effective.master() != null) {
			connections.add(effective.master());
		}
		assertThat(connections).allSatisfy((connection) -> assertVerifiedTls(connection, tls, file));
	}

	/**
	 * With TLS, a connection verifies the server's certificate and host name with the
	 * relation's CA, as published; without, it asks for nothing.
	 */
	private static void assertVerifiedTls(ConnectionString connection, boolean tls, Path file) throws IOException {
		if (!tls) {
			assertThat(connection.get("sslmode")).isNotIn("verify-ca", "verify-full");
			return;
		}
		assertThat(connection.get("sslmode")).isEqualTo("verify-full");
		String publishedCa = MAPPER.readTree(file.toFile())
			.findValues("tls-ca")
			.stream()
			.map(JsonNode::asString)
			.filter((ca) -> !ca.isEmpty())
			.findFirst()
			.orElseThrow();
		assertThat(Path.of(connection.get("sslrootcert"))).hasContent(publishedCa.strip());
	}

	private static String text(JsonNode node) {
		return (node == null || node.isNull()) ? null : node.asString();
	}

}
