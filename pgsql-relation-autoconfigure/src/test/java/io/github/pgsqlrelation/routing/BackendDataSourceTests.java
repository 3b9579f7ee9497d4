package io.github.pgsqlrelation.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.pgsqlrelation.connection.JdbcConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BackendDataSource}.
 */
class BackendDataSourceTests {

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
