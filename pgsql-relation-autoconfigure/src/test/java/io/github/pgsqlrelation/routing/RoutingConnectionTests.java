package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

import org.springframework.jdbc.datasource.ConnectionProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static io.github.pgsqlrelation.routing.Relations.connectionString;
import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The connection handle the routing hands out, used the way frameworks use a connection
 * they keep across transactions, against a real primary and a streaming standby.
 */
class RoutingConnectionTests {

	private static PostgresCluster cluster;

	private final RecordingListener listener = new RecordingListener();

	private RelationRoutingDataSource dataSource;

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = PostgresCluster.start(1);
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table note (id serial primary key, text varchar(100))");
		}
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeDataSource() {
		TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@Test
	void aConnectionKeptAcrossTransactionsFollowsTheReadOnlyFlagAtEachBoundary() throws SQLException {
		routed(RoutingSettings.defaults());
		try (Connection connection = this.dataSource.getConnection()) {
			for (int i = 0; i < 2; i++) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				assertThat(where(connection)).isEqualTo("standby");
				connection.commit();
				connection.setAutoCommit(true);
				connection.setReadOnly(false);
				connection.setAutoCommit(false);
				insert(connection);
				assertThat(where(connection)).isEqualTo("master");
				connection.commit();
				connection.setAutoCommit(true);
			}
		}
		assertThat(this.listener.fallbacks).hasValue(0);
	}

	@Test
	void aConnectionWithoutAutoCommitChangesBackendAfterCommitAndRollback() throws SQLException {
		routed(RoutingSettings.defaults());
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.setReadOnly(true);
			assertThat(where(connection)).isEqualTo("standby");
			connection.rollback();
			HikariDataSource standbyPool = this.listener.created.get(standbyName());
			assertThat(standbyPool.getHikariPoolMXBean().getActiveConnections()).isOne();
			connection.setReadOnly(false);
			// Given back at the boundary, not when the next statement comes
			assertThat(standbyPool.getHikariPoolMXBean().getActiveConnections()).isZero();
			insert(connection);
			assertThat(where(connection)).isEqualTo("master");
			connection.commit();
			assertThat(connection.getAutoCommit()).isFalse();
		}
	}

	@Test
	void springsReadOnlyFlagAloneSendsTheTransactionToAStandby() throws SQLException {
		routed(RoutingSettings.defaults());
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
			assertThat(where(connection)).isEqualTo("standby");
			assertThat(connection.isReadOnly()).isTrue();
			connection.commit();
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
			insert(connection);
			assertThat(where(connection)).isEqualTo("master");
			connection.commit();
		}
	}

	@Test
	void insideATransactionTheBackendNeverChanges() throws SQLException {
		routed(RoutingSettings.defaults());
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			insert(connection);
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
			assertThat(where(connection)).isEqualTo("master");
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.setReadOnly(true))
				.withMessageContaining("middle of a transaction");
			insert(connection);
			assertThat(where(connection)).isEqualTo("master");
			connection.commit();
			assertThat(where(connection)).as("the next transaction").isEqualTo("standby");
			connection.rollback();
		}
	}

	@Test
	void settingsMadeBeforeTheFirstStatementAreAppliedToEachPhysicalConnection() throws SQLException {
		routed(RoutingSettings.defaults());
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			connection.setAutoCommit(false);
			connection.setClientInfo("ApplicationName", "settings-test");
			connection.setReadOnly(true);
			assertThat(setting(connection, "transaction_isolation")).isEqualTo("repeatable read");
			assertThat(setting(connection, "application_name")).isEqualTo("settings-test");
			assertThat(where(connection)).isEqualTo("standby");
			connection.commit();
			connection.setReadOnly(false);
			assertThat(setting(connection, "transaction_isolation")).isEqualTo("repeatable read");
			assertThat(setting(connection, "application_name")).isEqualTo("settings-test");
			assertThat(setting(connection, "transaction_read_only")).isEqualTo("off");
			assertThat(where(connection)).isEqualTo("master");
			connection.commit();
		}
	}

	@Test
	void nothingConnectsUntilAStatementNeedsTheServer() throws SQLException {
		routed(RoutingSettings.defaults());
		Connection connection = this.dataSource.getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		assertThat(connection.getAutoCommit()).isFalse();
		assertThat(connection.isReadOnly()).isTrue();
		assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
		assertThat(connection).isEqualTo(connection).isNotEqualTo(this.dataSource.getConnection());
		assertThat(connection.hashCode()).isEqualTo(System.identityHashCode(connection));
		assertThat(connection.isWrapperFor(ConnectionProxy.class)).isTrue();
		assertThat(connection.unwrap(ConnectionProxy.class)).isSameAs(connection);
		connection.commit();
		connection.rollback();
		assertThat(this.listener.createdNames).allSatisfy(
				(name) -> assertThat(this.listener.created.get(name).getHikariPoolMXBean().getTotalConnections())
					.isZero());
		assertThat(connection.unwrap(PGConnection.class).getBackendPID()).isPositive();
		assertThat(((ConnectionProxy) connection).getTargetConnection().isReadOnly()).isTrue();
		connection.close();
		connection.close();
		assertThat(connection.isClosed()).isTrue();
		assertThat(connection.isValid(1)).isFalse();
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement)
			.withMessage("Connection is closed");
		assertThat(this.listener.created.get(standbyName()).getHikariPoolMXBean().getActiveConnections()).isZero();
	}

	@Test
	void aHotStandbyRefusesSerializableButRunsEveryOtherReadOnlyTransaction() throws SQLException {
		try (Connection standby = cluster.standbys().get(0).connect();
				Statement statement = standby.createStatement()) {
			standby.setAutoCommit(false);
			for (String level : new String[] { "READ COMMITTED", "REPEATABLE READ" }) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL " + level + " READ ONLY DEFERRABLE");
				assertThat(count(statement)).isNotNegative();
				standby.rollback();
			}
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE READ ONLY"))
				.withMessageContaining("cannot use serializable mode in a hot standby");
			standby.rollback();
			// What pgjdbc's setTransactionIsolation sends; the next transaction is
			// refused
			statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
			standby.commit();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> count(statement))
				.withMessageContaining("cannot use serializable mode in a hot standby");
			standby.rollback();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "select * from note for update", "select * from note for share",
			"select nextval('note_id_seq')", "listen changes", "create temporary table scratch (id int)",
			"select pg_current_xact_id()" })
	void aHotStandbyRefusesWhatOnlyAReadWriteTransactionMayDo(String sql) throws SQLException {
		try (Connection standby = cluster.standbys().get(0).connect();
				Statement statement = standby.createStatement()) {
			standby.setAutoCommit(false);
			standby.setReadOnly(true);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.execute(sql))
				.withMessageMatching("(?s).*(read-only transaction|during recovery|hot standby).*");
			standby.rollback();
		}
	}

	@Test
	void aReadOnlySerializableTransactionRunsOnTheMasterReadOnlyEvenWithoutReadFallback() throws SQLException {
		routed(RoutingSettings.defaults().withReadFallbackToMaster(false));
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			connection.setAutoCommit(false);
			assertThat(where(connection)).isEqualTo("master");
			assertThat(setting(connection, "transaction_read_only")).isEqualTo("on");
			assertThat(setting(connection, "transaction_isolation")).isEqualTo("serializable");
			connection.commit();
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			assertThat(where(connection)).isEqualTo("standby");
			connection.commit();
		}
		assertThat(this.listener.fallbacksByReason).containsOnlyKeys(ReadFallbackReason.SERIALIZABLE);
		assertThat(this.listener.fallbacksByReason.get(ReadFallbackReason.SERIALIZABLE)).hasValue(1);
	}

	private void routed(RoutingSettings settings) {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), settings, "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource, snapshot(connectionString(cluster.primary()),
				java.util.List.of(connectionString(cluster.standbys().get(0)))));
	}

	private static String standbyName() {
		return "pgsql-relation-db-standby-127.0.0.1-" + cluster.standbys().get(0).port();
	}

	private static void insert(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("insert into note (text) values ('kept')");
		}
	}

	/** Whether the current transaction runs on the master or the standby, checked. */
	private static String where(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("select pg_is_in_recovery(), inet_server_port()")) {
			row.next();
			boolean standby = row.getBoolean(1);
			assertThat(row.getInt(2)).isEqualTo(standby ? cluster.standbys().get(0).port() : cluster.primary().port());
			return standby ? "standby" : "master";
		}
	}

	private static String setting(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("select current_setting('" + name + "')")) {
			row.next();
			return row.getString(1);
		}
	}

	private static long count(Statement statement) throws SQLException {
		try (ResultSet row = statement.executeQuery("select count(*) from note")) {
			row.next();
			return row.getLong(1);
		}
	}

}
