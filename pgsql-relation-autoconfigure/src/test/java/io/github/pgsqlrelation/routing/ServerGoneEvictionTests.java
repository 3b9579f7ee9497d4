package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.dao.DataAccessException;

import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ServerGoneEviction}: when the server drops its connections, one
 * transaction learns it and the pool's other stale connections are not handed out.
 */
class ServerGoneEvictionTests {

	private static final int POOL_SIZE = 4;

	private PostgresCluster cluster;

	private RelationRoutingDataSource dataSource;

	@AfterEach
	void stop() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({ "57P01, true", "57P02, true", "57P03, true", "08006, true", "08001, true", "40001, false",
			"23505, false", "42P01, false" })
	void serverGoneStatesAreConnectionExceptionsAndShutdowns(String sqlState, boolean gone) {
		assertThat(ServerGoneEviction.isServerGone(sqlState)).isEqualTo(gone);
	}

	@Test
	void onlyOneTransactionFailsWhenTheServerDropsEveryConnection() throws Exception {
		this.cluster = PostgresCluster.start(0);
		HikariConfig template = Relations.poolTemplate();
		// A busy machine must not turn the warm-up into a timeout.
		template.setConnectionTimeout(Duration.ofSeconds(20).toMillis());
		this.dataSource = new RelationRoutingDataSource(template, RoutingSettings.defaults(), "db");
		publish(this.dataSource, snapshot(this.cluster));
		Servers servers = new Servers(this.dataSource);
		fillThePoolWithRecentlyUsedConnections(servers);
		try (Connection admin = this.cluster.primary().connectAsSuperuser();
				Statement statement = admin.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
					+ this.cluster.user() + "'");
		}
		int failures = 0;
		for (int i = 0; i < POOL_SIZE; i++) {
			try {
				servers.whereWritesRun();
			}
			catch (DataAccessException ex) {
				failures++;
			}
		}
		// Without eviction, each connection idle for less than HikariCP's 500 ms bypass
		// window would fail once.
		assertThat(failures).isEqualTo(1);
		assertThat(servers.whereWritesRun().port()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void noStaleConnectionIsHandedOutOnceAnAttemptToConnectFoundTheServerGone() throws Exception {
		this.cluster = PostgresCluster.start(0);
		BackendPool master = poolWhoseConnectionsCountAsJustUsed();
		try {
			List<Connection> held = new ArrayList<>();
			for (int i = 0; i < POOL_SIZE; i++) {
				held.add(master.pool().getConnection());
			}
			for (Connection connection : held) {
				connection.close();
			}
			assertThat(master.pool().getHikariPoolMXBean().getIdleConnections()).isEqualTo(POOL_SIZE);
			this.cluster.stop(this.cluster.primary());
			// What the pool's own thread meets when it adds a connection now.
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> master.connections().getConnection())
				.satisfies((ex) -> assertThat(ServerGoneEviction.isServerGone(ex.getSQLState())).isTrue());
			this.cluster.start(this.cluster.primary());
			for (int i = 0; i < POOL_SIZE; i++) {
				try (Connection connection = master.pool().getConnection();
						Statement statement = connection.createStatement()) {
					statement.execute("SELECT 1");
				}
			}
		}
		finally {
			master.pool().close();
		}
	}

	/**
	 * A master pool whose HikariCP skips the alive check for any connection used in the
	 * last ten minutes, as it does within 500 ms: the stop and start of a server take
	 * longer than that.
	 */
	private BackendPool poolWhoseConnectionsCountAsJustUsed() {
		String property = "com.zaxxer.hikari.aliveBypassWindowMs";
		String previous = System.setProperty(property, String.valueOf(TimeUnit.MINUTES.toMillis(10)));
		try {
			return new PoolFactory(Relations.poolTemplate(), RoutingSettings.defaults(), "db")
				.master(Relations.connectionString(this.cluster.primary()), List.of());
		}
		finally {
			if (previous != null) {
				System.setProperty(property, previous);
			}
			else {
				System.clearProperty(property);
			}
		}
	}

	private void fillThePoolWithRecentlyUsedConnections(Servers servers) throws Exception {
		CountDownLatch allHeld = new CountDownLatch(POOL_SIZE);
		ExecutorService executor = Executors.newFixedThreadPool(POOL_SIZE);
		try {
			Future<?>[] transactions = new Future<?>[POOL_SIZE];
			for (int i = 0; i < POOL_SIZE; i++) {
				transactions[i] = executor.submit(() -> servers.write((status) -> {
					servers.here();
					allHeld.countDown();
					await(allHeld);
					return null;
				}));
			}
			for (Future<?> transaction : transactions) {
				transaction.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.dataSource.topology().master().pool().getIdleConnections()).isEqualTo(POOL_SIZE);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
