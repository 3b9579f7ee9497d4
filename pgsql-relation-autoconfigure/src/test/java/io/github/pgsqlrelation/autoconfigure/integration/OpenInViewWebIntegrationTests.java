package io.github.pgsqlrelation.autoconfigure.integration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real web request through Spring MVC with JPA's open-in-view on (Spring Boot's
 * default), calling a read-only transaction and then a write: the read runs on the
 * standby and the write on the master, request after request.
 */
class OpenInViewWebIntegrationTests {

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws SQLException {
		cluster = PostgresCluster.start(1);
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE note (id bigint PRIMARY KEY, text varchar(255))");
		}
		cluster.awaitReplication();
		Path file = directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeRaw(file, cluster);
		context = new SpringApplicationBuilder(OpenInViewApplication.class)
			.properties("pgsql.relation.state-file=" + file, "server.port=0", "spring.main.banner-mode=off")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		cluster.close();
	}

	@Test
	void aReadThenAWriteInOneRequestRunOnTheStandbyAndTheMaster() throws IOException, InterruptedException {
		assertThat(context.getEnvironment().getProperty("spring.jpa.open-in-view")).isNull();
		assertThat(context.getBeansOfType(OpenEntityManagerInViewInterceptor.class)).hasSize(1);
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpClient client = HttpClient.newHttpClient();
		String standby = cluster.standbys().get(0).port() + "/true";
		String master = cluster.primary().port() + "/false";
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/read-then-write")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("read " + standby + ", write " + master + ", read " + standby);
		}
	}

}
