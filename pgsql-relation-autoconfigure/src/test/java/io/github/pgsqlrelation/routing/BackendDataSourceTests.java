package io.github.pgsqlrelation.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BackendDataSource}.
 */
class BackendDataSourceTests {

	@Test
	void aPromotionEndsTheWaitBetweenTwoAttemptsToFindThePrimary() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
			PostgresNode standby = cluster.standbys().get(0);
			// Far longer than the test waits: only the watch can end the wait in time.
			BackendDataSource connections = new BackendDataSource(masterJdbc(cluster), Duration.ofMinutes(5));
			try (HikariDataSource pool = poolOfOne(connections)) {
				cluster.kill(cluster.primary());
				CompletableFuture<Integer> write = writeOnAPrimary(pool);
				awaitFailedAttempt(connections);
				cluster.promote(standby);
				assertThat(write.get(60, TimeUnit.SECONDS)).isEqualTo(standby.port());
				// The probe that saw the promotion became the pool's only connection; no
				// other is left behind.
				assertThat(serverConnections(standby)).as("connections of the pool's user").isOne();
			}
		}
	}

	@Test
	void aStandbyThatStopsAnsweringDoesNotKeepTheWatchFromAnotherOnesPromotion() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
			PostgresNode frozen = cluster.standbys().get(0);
			PostgresNode promoted = cluster.standbys().get(1);
			JdbcConnection master = masterJdbc(cluster);
			// An attempt that meets the frozen standby waits for the login timeout: short
			Map<String, String> properties = new HashMap<>(master.properties());
			properties.put("loginTimeout", "3");
			BackendDataSource connections = new BackendDataSource(new JdbcConnection(master.url(), properties),
					Duration.ofMinutes(5));
			try (HikariDataSource pool = poolOfOne(connections)) {
				cluster.kill(cluster.primary());
				CompletableFuture<Integer> write = writeOnAPrimary(pool);
				awaitFailedAttempt(connections);
				awaitServerConnection(frozen);
				cluster.pause(frozen);
				cluster.promote(promoted);
				assertThat(write.get(60, TimeUnit.SECONDS)).isEqualTo(promoted.port());
			}
		}
	}

	private static JdbcConnection masterJdbc(PostgresCluster cluster) {
		return new PoolFactory(Relations.poolTemplate(), RoutingSettings.defaults(), "db").masterJdbc(
				Relations.connectionString(cluster.primary()),
				cluster.standbys().stream().map(Relations::connectionString).toList());
	}

	private static HikariDataSource poolOfOne(BackendDataSource connections) {
		HikariConfig config = new HikariConfig();
		config.setDataSource(connections);
		config.setMinimumIdle(0);
		config.setMaximumPoolSize(1);
		config.setInitializationFailTimeout(-1);
		config.setConnectionTimeout(Duration.ofMinutes(2).toMillis());
		HikariDataSource pool = new HikariDataSource(config);
		connections.pool(pool.getHikariPoolMXBean());
		return pool;
	}

	/** Writes as soon as the pool hands out a connection, and tells on which port. */
	private static CompletableFuture<Integer> writeOnAPrimary(HikariDataSource pool) {
		return CompletableFuture.supplyAsync(() -> {
			try (Connection connection = pool.getConnection();
					Statement statement = connection.createStatement();
					ResultSet port = statement
						.executeQuery("SELECT inet_server_port() WHERE NOT pg_is_in_recovery()")) {
				return port.next() ? port.getInt(1) : -1;
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/** Waits until the watch holds a connection to the node. */
	private static void awaitServerConnection(PostgresNode node) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (serverConnections(node) == 0) {
			assertThat(System.nanoTime()).as("time until the watch connects to %s", node).isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	private static void awaitFailedAttempt(BackendDataSource connections) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (connections.lastFailure() == null) {
			assertThat(System.nanoTime()).as("time of the first failed attempt").isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	private static int serverConnections(PostgresNode node) throws SQLException {
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet count = statement.executeQuery("SELECT count(*) FROM pg_stat_activity "
						+ "WHERE usename = current_user AND pid <> pg_backend_pid()")) {
			count.next();
			return count.getInt(1);
		}
	}

	@Test
	void aServerThatAcceptsButNeverAnswersFailsWithinTheLoginTimeout() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			List<Socket> held = new ArrayList<>();
			Thread acceptor = new Thread(() -> {
				try {
					while (true) {
						held.add(silent.accept());
					}
				}
				catch (IOException ex) {
					// The test is over.
				}
			});
			acceptor.setDaemon(true);
			acceptor.start();
			BackendDataSource dataSource = new BackendDataSource(
					new JdbcConnection("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/app",
							Map.of("user", "relation-7", "password", "s3cret")),
					Duration.ZERO);
			// What HikariCP does with its connection timeout.
			dataSource.setLoginTimeout(1);
			long started = System.nanoTime();
			CompletableFuture<Throwable> attempt = CompletableFuture.supplyAsync(() -> {
				try {
					dataSource.getConnection().close();
					return null;
				}
				catch (SQLException ex) {
					return ex;
				}
			});
			assertThat(attempt.get(30, TimeUnit.SECONDS)).isInstanceOf(SQLException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		}
	}

}
