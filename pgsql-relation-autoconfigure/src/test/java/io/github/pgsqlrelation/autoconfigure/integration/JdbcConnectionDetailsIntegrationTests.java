package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot's {@link JdbcConnectionDetails} connect whoever asks for them to the
 * current master, before and after a switchover.
 */
class JdbcConnectionDetailsIntegrationTests {

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start(1);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void connectionDetailsLeadToTheMasterAndFollowASwitchover() throws SQLException {
		Path file = directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeRaw(file, cluster);
		try (ConfigurableApplicationContext context = IntegrationApplication.run(file)) {
			JdbcConnectionDetails details = context.getBean(JdbcConnectionDetails.class);
			assertThat(connectedTo(details)).isEqualTo("primary " + cluster.primary().port());
			assertThat(details.toString()).doesNotContain(cluster.password());

			PostgresNode standby = cluster.standbys().get(0);
			cluster.switchover(standby);
			RelationStateFiles.writeRaw(file, cluster);

			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(details.getJdbcUrl()).contains(":" + standby.port() + "/"));
			assertThat(connectedTo(details)).isEqualTo("primary " + standby.port());
		}
	}

	private static String connectedTo(JdbcConnectionDetails details) throws SQLException {
		try (Connection connection = DriverManager.getConnection(details.getJdbcUrl(), details.getUsername(),
				details.getPassword());
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_is_in_recovery(), inet_server_port()")) {
			result.next();
			return (result.getBoolean(1) ? "standby " : "primary ") + result.getInt(2);
		}
	}

}
