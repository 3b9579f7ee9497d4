package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.secrets.KnownSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * New credentials of the same servers (a rotated password, a new user) against a real
 * primary and a streaming standby: the pools stay, new connections use the new
 * credentials at once, and a connection made with the old ones finishes its transaction,
 * then closes.
 */
class CredentialRotationTests {

	private static final String NEW_USER_PASSWORD = KnownSecrets.register("Rotated8secret");

	private final RecordingListener listener = new RecordingListener();

	private PostgresCluster cluster;

	private RelationRoutingDataSource dataSource;

	private Servers servers;

	@BeforeEach
	void start() throws SQLException {
		this.cluster = PostgresCluster.builder().standbys(1).start();
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table note (id serial primary key, text varchar(100))");
		}
		this.cluster.awaitReplication();
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(),
				Relations.ENDPOINT, this.listener, PoolCustomizer.NONE);
		publish(this.dataSource, snapshot(this.cluster));
		this.servers = new Servers(this.dataSource);
	}

	@AfterEach
	void stop() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		this.cluster.close();
	}

	@Test
	void aRotatedPasswordKeepsThePoolsAndATransactionInFlightFinishesOnItsOldConnection() throws SQLException {
		assertThat(this.servers.whereReadsRun().inRecovery()).isTrue();
		int oldBackend = this.servers.write((status) -> {
			this.servers.jdbc().update("insert into note (text) values ('in flight')");
			this.cluster.rotatePassword();
			publish(this.dataSource, snapshot(this.cluster));
			this.servers.jdbc().update("insert into note (text) values ('still in flight')");
			return backendPid();
		});
		assertThat(this.listener.retired).isEmpty();
		assertThat(this.listener.createdNames).containsExactlyInAnyOrder("pgsql-relation-db-master",
				standbyName(this.cluster.standbys().get(0)));
		assertThat(this.listener.credentialsChanged).containsExactlyInAnyOrderElementsOf(this.listener.createdNames);
		int newBackend = this.servers.write((status) -> {
			this.servers.jdbc().update("insert into note (text) values ('after')");
			return backendPid();
		});
		assertThat(newBackend).isNotEqualTo(oldBackend);
		assertThat(this.servers.jdbc().queryForObject("select count(*) from note", Integer.class)).isEqualTo(3);
		assertThat(this.servers.whereReadsRun().inRecovery()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> !isOpen(this.cluster.primary(), oldBackend));
		assertThat(this.dataSource.topology().master().backend().name()).isEqualTo("pgsql-relation-db-master");
	}

	@Test
	void aNewUserOfTheSameDatabaseKeepsThePoolsAndNewConnectionsLogInAsThatUser() throws SQLException {
		try (Connection connection = this.cluster.primary().connectAsSuperuser();
				Statement statement = connection.createStatement()) {
			statement.execute(
					"create role \"relation-8\" login password '" + NEW_USER_PASSWORD + "' in role \"relation-7\"");
		}
		this.cluster.awaitReplication();
		RelationSnapshot rotated = snapshot(newUser(this.cluster.primary()),
				List.of(newUser(this.cluster.standbys().get(0))));
		publish(this.dataSource, rotated);
		assertThat(this.listener.retired).isEmpty();
		assertThat(this.listener.credentialsChanged).hasSize(2);
		String writer = this.servers
			.write((status) -> this.servers.jdbc().queryForObject("select current_user", String.class));
		String reader = this.servers
			.read((status) -> this.servers.jdbc().queryForObject("select current_user", String.class));
		assertThat(writer).isEqualTo("relation-8");
		assertThat(reader).isEqualTo("relation-8");
		assertThat(this.dataSource.topology().master().backend().connectionString()).contains("user=relation-8")
			.doesNotContain(NEW_USER_PASSWORD);
	}

	@Test
	void aNewUserWithoutADatabaseNameIsAnotherDatabaseAndGetsANewPool() {
		ConnectionString master = Relations.connectionString(this.cluster.primary());
		Map<String, String> noDatabase = new HashMap<>(master.keywords());
		noDatabase.remove("dbname");
		publish(this.dataSource, snapshot(ConnectionString.of(noDatabase), List.of()));
		publish(this.dataSource,
				snapshot(ConnectionString.of(noDatabase).with(Map.of("user", "app", "password", "other")), List.of()));
		assertThat(this.listener.credentialsChanged).isEmpty();
		assertThat(this.listener.retired).contains("pgsql-relation-db-master-2");
	}

	private int backendPid() {
		return this.servers.jdbc().queryForObject("select pg_backend_pid()", Integer.class);
	}

	private static boolean isOpen(PostgresNode node, int pid) throws SQLException {
		try (Connection connection = node.connectAsSuperuser();
				PreparedStatement statement = connection
					.prepareStatement("select count(*) from pg_stat_activity where pid = ?")) {
			statement.setInt(1, pid);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1) > 0;
			}
		}
	}

	private static ConnectionString newUser(PostgresNode node) {
		return Relations.connectionString(node).with(Map.of("user", "relation-8", "password", NEW_USER_PASSWORD));
	}

	private static String standbyName(PostgresNode node) {
		return "pgsql-relation-db-standby-127.0.0.1-" + node.port();
	}

}
