package io.github.pgsqlrelation.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PostgresCluster#pause(PostgresNode)},
 * {@link PostgresCluster#resume(PostgresNode)} and
 * {@link PostgresCluster#serverConnections(PostgresNode)}.
 */
class PostgresClusterPauseTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start(1);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void pausedNodeHoldsAQueryInFlightUntilItIsResumed() throws Exception {
		PostgresNode primary = cluster.primary();
		try (Connection connection = primary.connect()) {
			cluster.pause(primary);
			CompletableFuture<String> query;
			try {
				assertThat(primary.isPaused()).isTrue();
				assertThat(primary.isRunning()).isTrue();
				query = CompletableFuture.supplyAsync(() -> queryValue(connection, "SELECT 'answered'"));
				Thread.sleep(1000);
				assertThat(query).isNotDone();
			}
			finally {
				cluster.resume(primary);
			}
			assertThat(primary.isPaused()).isFalse();
			assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo("answered");
		}
	}

	@Test
	void pausedNodeAcceptsNewConnectionsButNeverLogsThemIn() throws Exception {
		PostgresNode standby = cluster.standbys().get(0);
		cluster.pause(standby);
		try {
			long started = System.nanoTime();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(standby, 1).close())
				.withMessageContaining("timed out");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		}
		finally {
			cluster.resume(standby);
		}
		try (Connection connection = standby.connect()) {
			assertThat(queryValue(connection, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
		}
	}

	@Test
	void pauseStopsEveryProcessOfTheServerAndResumeLetsThemAllRun() {
		PostgresNode primary = cluster.primary();
		ProcessHandle postmaster = ProcessHandle.of(primary.pid().orElseThrow()).orElseThrow();
		List<ProcessHandle> processes = new ArrayList<>(postmaster.descendants().toList());
		processes.add(postmaster);
		assertThat(processes).hasSizeGreaterThan(3);
		cluster.pause(primary);
		try {
			assertThat(processes).allMatch(ProcessKiller::isStopped);
		}
		finally {
			cluster.resume(primary);
		}
		assertThat(processes).noneMatch(ProcessKiller::isStopped);
	}

	@Test
	void pausedStandbyCanBeStoppedStartedAndRemoved() throws Exception {
		PostgresNode standby = cluster.addStandby();
		cluster.pause(standby);
		cluster.stop(standby);
		assertThat(standby.isRunning()).isFalse();
		cluster.start(standby);
		assertThat(standby.isPaused()).isFalse();
		cluster.pause(standby);
		cluster.removeStandby(standby);
		assertThat(cluster.standbys()).doesNotContain(standby);
		assertThat(standby.isRunning()).isFalse();
	}

	@Test
	void closeStopsAPausedCluster() {
		PostgresCluster paused = PostgresCluster.start(0);
		PostgresNode primary = paused.primary();
		paused.pause(primary);
		long started = System.nanoTime();
		paused.close();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
		assertThat(primary.isRunning()).isFalse();
	}

	@Test
	void serverConnectionsCountsTheRelationUsersConnectionsButNotTheModulesOwn() throws Exception {
		PostgresNode standby = cluster.standbys().get(0);
		// A backend leaves pg_stat_activity a moment after its client went away, and the
		// login an earlier test left unanswered on a paused server only once it resumed.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(cluster.serverConnections(standby)).isZero());
		try (Connection own = standby.connect();
				Connection first = connect(standby, 5);
				Connection second = connect(standby, 5)) {
			assertThat(cluster.serverConnections(standby)).isEqualTo(2);
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(cluster.serverConnections(standby)).isZero());
	}

	/** Connects as an application would, under the driver's own application name. */
	private static Connection connect(PostgresNode node, int loginTimeoutSeconds) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", cluster.user());
		properties.setProperty("password", cluster.password());
		properties.setProperty("loginTimeout", String.valueOf(loginTimeoutSeconds));
		return DriverManager.getConnection(node.jdbcUrl(), properties);
	}

	private static String queryValue(Connection connection, String sql) {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
