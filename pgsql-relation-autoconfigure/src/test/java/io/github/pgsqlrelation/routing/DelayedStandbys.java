package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.jspecify.annotations.Nullable;

/**
 * A primary with two standbys whose replay can be held back by
 * {@code recovery_min_apply_delay}, for the tests of lag-aware routing and of
 * read-your-writes.
 */
final class DelayedStandbys {

	private DelayedStandbys() {
	}

	/** Starts a primary and two standbys, with a {@code note} table replicated. */
	static PostgresCluster start() throws SQLException {
		PostgresCluster cluster = PostgresCluster.builder().standbys(2).start();
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table note (id serial primary key, text varchar(100))");
		}
		cluster.awaitReplication();
		return cluster;
	}

	/**
	 * Holds back the standby's replay by {@code delay} (e.g. {@code 1s}), or lets it
	 * replay at once again with {@code null}.
	 */
	static void delay(PostgresNode standby, @Nullable String delay) throws SQLException {
		try (Connection connection = standby.connectAsSuperuser(); Statement statement = connection.createStatement()) {
			statement.execute((delay != null) ? "alter system set recovery_min_apply_delay = '" + delay + "'"
					: "alter system reset recovery_min_apply_delay");
			statement.execute("select pg_reload_conf()");
		}
	}

	/** Lets every standby replay at once again, and waits until they have caught up. */
	static void undelayAll(PostgresCluster cluster) throws SQLException {
		for (PostgresNode standby : cluster.standbys()) {
			delay(standby, null);
		}
		cluster.awaitReplication();
	}

}
