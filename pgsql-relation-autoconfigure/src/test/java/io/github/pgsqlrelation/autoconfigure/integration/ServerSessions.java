package io.github.pgsqlrelation.autoconfigure.integration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Properties;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the servers of a cluster see of a password rotation: when the relation user's
 * sessions began, and whether a password still logs in.
 */
final class ServerSessions {

	private ServerSessions() {
	}

	/**
	 * Waits until every session of the relation user on every node began after the given
	 * time (after a rotation: was opened with the new password).
	 * @return how long the wait took
	 */
	static Duration awaitNoneOpenedBefore(PostgresCluster cluster, OffsetDateTime time, Duration atMost) {
		long start = System.nanoTime();
		await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
			for (PostgresNode node : cluster.nodes()) {
				if (openedBefore(cluster, node, time) > 0) {
					return false;
				}
			}
			return true;
		});
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static long openedBefore(PostgresCluster cluster, PostgresNode node, OffsetDateTime time)
			throws SQLException {
		try (Connection connection = node.connectAsSuperuser();
				PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
						+ " WHERE usename = ? AND backend_type = 'client backend' AND backend_start < ?")) {
			statement.setString(1, cluster.user());
			statement.setObject(2, time);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	/** Checks that every node refuses the relation user's login with this password. */
	static void assertPasswordRefused(PostgresCluster cluster, String password) {
		for (PostgresNode node : cluster.nodes()) {
			Properties properties = new Properties();
			properties.setProperty("user", cluster.user());
			properties.setProperty("password", password);
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(node.jdbcUrl(), properties).close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).as("SQL state (invalid_password)").isEqualTo("28P01"));
		}
	}

}
