package io.github.pgsqlrelation.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deployed by a charm, the demo runs no servers of its own: it starts before the relation
 * exists, and its page shows the charm's relation without the buttons.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class DeployedByACharmTests {

	@TempDir
	static Path directory;

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void stateFile(DynamicPropertyRegistry registry) throws IOException {
		Path file = directory.resolve("pgsql-relation.json");
		Files.writeString(file, "{\"version\": 1, \"relations\": []}");
		registry.add(DemoApplication.STATE_FILE_PROPERTY, file::toString);
	}

	@Test
	void pageDataSaysThereIsNoRelationYetAndNoLocalServers() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/state")).build());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode state = JsonMapper.builder().build().readTree(response.body());
		assertThat(state.get("localServers").asBoolean()).isFalse();
		assertThat(state.get("nodes")).isEmpty();
		assertThat(state.get("relation").isNull()).isTrue();
		assertThat(state.get("noMasterReason").asString()).contains("no relation");
		assertThat(state.get("load").get("writeErrors").asLong()).isZero();
	}

	@Test
	void charmButtonsAreRefusedSinceTheCharmManagesTheServers() throws Exception {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(uri("/api/master/kill")).POST(HttpRequest.BodyPublishers.noBody()).build());
		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.body()).contains("managed by the PostgreSQL charm");
	}

	@Test
	void metricsTheReadmeListsAreExposed() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/actuator/metrics")).build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("pgsql.relation.changes", "pgsql.relation.refresh");
		HttpResponse<String> meter = send(
				HttpRequest.newBuilder(uri("/actuator/metrics/pgsql.relation.state.file.errors")).build());
		assertThat(meter.statusCode()).isEqualTo(200);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
