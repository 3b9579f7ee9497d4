package io.github.pgsqlrelation.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PostgresCluster} against one shared primary with two standbys.
 */
class PostgresClusterTests {

	private static PostgresCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.builder().standbys(2).start();
	}

	@AfterAll
	static void closeCluster() {
		cluster.close();
	}

	@Test
	void startsAPrimaryAndTwoStreamingStandbysOnLoopback() throws SQLException {
		assertThat(cluster.standbys()).hasSize(2).allMatch(PostgresNode::isRunning);
		assertThat(cluster.primary().isRunning()).isTrue();
		assertThat(cluster.nodes()).extracting(PostgresNode::host).containsOnly("127.0.0.1");
		assertThat(cluster.nodes()).extracting(PostgresNode::port).doesNotHaveDuplicates();
		assertThat(queryString(cluster.primary(), "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
		for (PostgresNode standby : cluster.standbys()) {
			assertThat(queryString(standby, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
		}
	}

	@Test
	void rowsWrittenOnThePrimaryAreReadOnEveryStandbyAfterAwaitingReplication() throws SQLException {
		execute(cluster.primary(), "CREATE TABLE greeting (text varchar)");
		execute(cluster.primary(), "INSERT INTO greeting VALUES ('hello standbys')");
		cluster.awaitReplication();
		for (PostgresNode standby : cluster.standbys()) {
			assertThat(queryString(standby, "SELECT text FROM greeting")).isEqualTo("hello standbys");
		}
	}

	@Test
	void standbysRefuseWrites() {
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> execute(cluster.standbys().get(0), "CREATE TABLE refused (id int)"))
			.withMessageContaining("read-only");
	}

	@Test
	void relationUserOwnsTheDatabaseAndLogsInWithItsPassword() throws SQLException {
		assertThat(cluster.user()).isEqualTo("relation-7");
		assertThat(cluster.database()).isEqualTo("app");
		assertThat(cluster.password()).matches("[A-Za-z0-9]{16,}");
		assertThat(queryString(cluster.primary(), "SELECT current_user || '@' || current_database()"))
			.isEqualTo("relation-7@app");
		assertThat(queryString(cluster.primary(),
				"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
			.isEqualTo("relation-7");
	}

	@Test
	void relationUserCannotLogInWithAWrongPassword() {
		PostgresNode primary = cluster.primary();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> primary.connect(cluster.database(), cluster.user(), "wrong").close())
			.withMessageContaining("password authentication failed");
	}

	@Test
	void changedPasswordIsRequiredOnEveryNodeWhileOpenConnectionsStay() throws SQLException {
		String oldPassword = cluster.password();
		try (Connection open = cluster.primary().connect()) {
			String newPassword = cluster.rotatePassword();
			assertThat(newPassword).isNotEqualTo(oldPassword);
			assertThat(cluster.password()).isEqualTo(newPassword);
			for (PostgresNode node : cluster.nodes()) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> node.connect(cluster.database(), cluster.user(), oldPassword).close())
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
				assertThat(queryString(node, "SELECT current_user")).isEqualTo("relation-7");
				assertThat(node.connectionString()).contains("password=" + newPassword).doesNotContain(oldPassword);
			}
			assertThat(open.isValid(5)).isTrue();
		}
	}

	@Test
	void connectionStringListsKeywordsInAlphabeticalOrder() {
		PostgresNode primary = cluster.primary();
		assertThat(primary.connectionString()).isEqualTo("dbname=app host=127.0.0.1 password=" + cluster.password()
				+ " port=" + primary.port() + " user=relation-7");
		assertThat(primary.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + primary.port() + "/app");
	}

	@Test
	void serverVersionIsWhatCharmsPublish() {
		assertThat(cluster.serverVersion()).matches("\\d+(\\.\\d+)?");
	}

	@Test
	void superuserCanTerminateTheRelationUsersSessions() throws SQLException {
		try (Connection session = cluster.primary().connect();
				Connection superuser = cluster.primary().connectAsSuperuser();
				Statement statement = superuser.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(pg_terminate_backend(pid))"
						+ " FROM pg_stat_activity WHERE usename = 'relation-7'")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getInt(1)).isPositive();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> session.createStatement().execute("SELECT 1"));
		}
	}

	@Test
	void serversRunAsAnUnprivilegedUser() {
		for (PostgresNode node : cluster.nodes()) {
			ProcessHandle postmaster = ProcessHandle.of(node.pid().orElseThrow()).orElseThrow();
			assertThat(postmaster.info().user()).isNotEmpty().get().isNotEqualTo("root");
		}
	}

	static String queryString(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).isTrue();
			return result.getString(1);
		}
	}

	static void execute(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
