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
			JdbcConnection master = new PoolFactory(Relations.poolTemplate(), RoutingSettings.defaults(), "db")
				.masterJdbc(Relations.connectionString(cluster.primary()),
						List.of(Relations.connectionString(standby)));
			// Far longer than the test waits: only the watch can end the wait in time.
			BackendDataSource connections = new BackendDataSource(master, Duration.ofMinutes(5));
			HikariConfig config = new HikariConfig();
			config.setDataSource(connections);
			config.setMinimumIdle(0);
			config.setMaximumPoolSize(1);
			config.setInitializationFailTimeout(-1);
			config.setConnectionTimeout(Duration.ofMinutes(2).toMillis());
			try (HikariDataSource pool = new HikariDataSource(config)) {
				connections.pool(pool.getHikariPoolMXBean());
				cluster.kill(cluster.primary());
				CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> {
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
				awaitFailedAttempt(connections);
				cluster.promote(standby);
				assertThat(write.get(60, TimeUnit.SECONDS)).isEqualTo(standby.port());
				// The probe that saw the promotion became the pool's only connection; no
				// other is left behind.
				assertThat(serverConnections(standby)).as("connections of the pool's user").isOne();
			}
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
