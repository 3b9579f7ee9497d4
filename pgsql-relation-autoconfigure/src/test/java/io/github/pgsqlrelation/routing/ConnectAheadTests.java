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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for the master's first connection, opened as soon as its pool is made instead of
 * at HikariCP's first housekeeping run ({@link BackendDataSource#connectAhead}).
 */
class ConnectAheadTests {

	private static PostgresCluster cluster;

	private static PostgresNode primary;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.builder().start();
		primary = cluster.primary();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void thePoolsFirstRequestGetsTheConnectionOpenedAhead() throws Exception {
		BackendDataSource connections = new BackendDataSource(jdbc("ahead"), Duration.ZERO);
		openAhead(connections);
		int opened = onlyBackend("ahead");

		try (Connection first = connections.getConnection(); Connection second = connections.getConnection()) {
			assertThat(backendPid(first)).isEqualTo(opened);
			assertThat(backendPid(second)).as("the next request connects as usual").isNotEqualTo(opened);
		}
	}

	@Test
	void aConnectionOpenedAheadForATargetSinceReplacedIsClosedNotHandedOut() throws Exception {
		BackendDataSource connections = new BackendDataSource(jdbc("before"), Duration.ZERO);
		openAhead(connections);
		onlyBackend("before");

		connections.update(jdbc("after"));

		try (Connection connection = connections.getConnection();
				Statement statement = connection.createStatement();
				ResultSet name = statement.executeQuery("SELECT current_setting('application_name')")) {
			name.next();
			assertThat(name.getString(1)).isEqualTo("after");
			awaitBackends("before", 0);
		}
	}

	@Test
	void aFailedAttemptAheadIsTheFirstRequestsFirstFailure() throws Exception {
		// A server that accepts and never answers: each attempt takes the login timeout.
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			AtomicInteger attempts = new AtomicInteger();
			List<Socket> held = new CopyOnWriteArrayList<>();
			Thread acceptor = new Thread(() -> {
				try {
					while (true) {
						held.add(silent.accept());
						attempts.incrementAndGet();
					}
				}
				catch (IOException ex) {
					// The test is over.
				}
			});
			acceptor.setDaemon(true);
			acceptor.start();
			BackendDataSource connections = new BackendDataSource(
					ConnectionString.parse("host=127.0.0.1 port=" + silent.getLocalPort() + " dbname=app user=nobody")
						.toJdbc(),
					Duration.ZERO);
			connections.setLoginTimeout(1);
			AtomicInteger failures = new AtomicInteger();
			connections.onFailure((ex) -> failures.incrementAndGet());
			openAhead(connections);
			assertThat(attempts).hasValue(1);
			assertThat(failures).as("reported by the request that takes it").hasValue(0);

			assertThatExceptionOfType(SQLException.class).isThrownBy(connections::getConnection)
				.satisfies((ex) -> assertThat(ex.getSQLState()).startsWith("08"));

			assertThat(attempts).as("no second attempt after the one ahead").hasValue(1);
			assertThat(failures).hasValue(1);
			assertThat((Object) connections.lastFailure()).isNotNull();
		}
	}

	@Test
	void aConnectionOpenedAheadThatThePoolNeverTookClosesWithThePool() throws Exception {
		BackendDataSource connections = new BackendDataSource(jdbc("never-taken"), Duration.ZERO);
		openAhead(connections);
		onlyBackend("never-taken");

		connections.close();
		connections.closeLeftovers();

		awaitBackends("never-taken", 0);
	}

	@Test
	void aRequestAfterThePoolClosedDoesNotWaitForAnAttemptAheadThatNeverRan() {
		BackendDataSource connections = new BackendDataSource(jdbc("never-ran"), Duration.ZERO);
		// As when the pool's housekeeping thread stops before it runs the attempt.
		connections.connectAhead((attempt) -> {
		});
		connections.close();

		assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> assertThatExceptionOfType(SQLException.class).isThrownBy(connections::getConnection)
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08003")));
	}

	@Test
	void theMastersPoolTakesTheConnectionOpenedAheadInsteadOfOpeningAnother() throws Exception {
		HikariConfig template = Relations.poolTemplate();
		template.setMinimumIdle(1);
		template.setMaximumPoolSize(1);
		PoolFactory factory = new PoolFactory(template, RoutingSettings.defaults(), "ahead-pool");
		BackendPool pool = factory.master(withApplicationName("ahead-pool"), List.of());
		try {
			awaitBackends("ahead-pool", 1);
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (pool.pool().getHikariPoolMXBean().getIdleConnections() < 1) {
				assertThat(System.nanoTime()).as("time until the pool holds its connection").isLessThan(deadline);
				Thread.sleep(10);
			}
			assertThat(backends("ahead-pool")).as("connections of the pool, the one opened ahead included").isOne();
		}
		finally {
			pool.closePool();
			pool.connections().closeLeftovers();
			factory.close();
		}
	}

	@Test
	void aMastersPoolThatKeepsNoIdleConnectionOpensNoneAhead() throws Exception {
		HikariConfig template = Relations.poolTemplate();
		template.setMinimumIdle(0);
		PoolFactory factory = new PoolFactory(template, RoutingSettings.defaults(), "no-idle");
		BackendPool pool = factory.master(withApplicationName("no-idle"), List.of());
		try {
			// Longer than HikariCP's first housekeeping run and a connection here take.
			Thread.sleep(500);
			assertThat(backends("no-idle")).isZero();
		}
		finally {
			pool.closePool();
			factory.close();
		}
	}

	/** Starts the attempt ahead and runs it to its end on this thread. */
	private static void openAhead(BackendDataSource connections) {
		List<Runnable> attempts = new ArrayList<>();
		connections.connectAhead(attempts::add);
		assertThat(attempts).hasSize(1);
		attempts.get(0).run();
	}

	private static JdbcConnection jdbc(String applicationName) {
		return withApplicationName(applicationName).toJdbc();
	}

	private static ConnectionString withApplicationName(String applicationName) {
		Map<String, String> keywords = new HashMap<>(Relations.connectionString(primary).keywords());
		keywords.put("application_name", applicationName);
		return ConnectionString.of(keywords);
	}

	private static int backendPid(Connection connection) throws SQLException {
		return queryInt(connection, "SELECT pg_backend_pid()");
	}

	/** Returns the pid of the one server connection with the application name. */
	private static int onlyBackend(String applicationName) throws Exception {
		awaitBackends(applicationName, 1);
		try (Connection connection = primary.connect()) {
			return queryInt(connection,
					"SELECT pid FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
		}
	}

	private static void awaitBackends(String applicationName, int count) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (backends(applicationName) != count) {
			assertThat(System.nanoTime()).as("time until %s has %d connection(s)", applicationName, count)
				.isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	private static int backends(String applicationName) throws SQLException {
		try (Connection connection = primary.connect()) {
			return queryInt(connection,
					"SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
		}
	}

	private static int queryInt(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
