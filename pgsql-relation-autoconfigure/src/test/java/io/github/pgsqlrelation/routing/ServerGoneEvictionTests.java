package io.github.pgsqlrelation.routing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.TestCertificates;
import io.github.pgsqlrelation.routing.Servers.Server;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.github.pgsqlrelation.routing.Relations.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ServerGoneEviction} and the check of each connection taken from a pool
 * ({@link BackendPool#connection()}): when the server drops its connections, no
 * transaction meets one of them, and the pool's other stale connections are not handed
 * out.
 */
class ServerGoneEvictionTests {

	private static final int POOL_SIZE = 4;

	private PostgresCluster cluster;

	private RelationRoutingDataSource dataSource;

	@TempDir
	private Path files;

	private Path caCertificate;

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
	@CsvSource({ "57P01, true", "57P02, true", "57P03, true", "57P04, false", "57P05, false", "08006, true",
			"08001, true", "40001, false", "23505, false", "42P01, false" })
	void serverGoneStatesAreConnectionExceptionsAndShutdowns(String sqlState, boolean gone) {
		assertThat(ServerGoneEviction.isServerGone(sqlState)).isEqualTo(gone);
	}

	@ParameterizedTest(name = "over TLS: {0}")
	@ValueSource(booleans = { false, true })
	void noTransactionFailsOnAConnectionWhoseSessionTheServerEndedWhileItWasIdle(boolean tls) throws Exception {
		this.cluster = tls ? clusterWithTls() : PostgresCluster.start(0);
		Servers servers = routing(tls);
		fillThePoolWithRecentlyUsedConnections(servers);
		Set<Integer> ended = endEverySessionOfTheRelationUser(POOL_SIZE);
		List<Integer> served = new ArrayList<>();
		for (int i = 0; i < POOL_SIZE; i++) {
			// Without the check, the first would fail; then the pool's eviction spares
			// the
			// others, each idle for less than HikariCP's 500 ms bypass window.
			Server server = servers.whereWritesRun();
			assertThat(server.port()).isEqualTo(this.cluster.primary().port());
			served.add(server.pid());
		}
		assertThat(served).as("sessions that served the writes").doesNotContainAnyElementsOf(ended);
		assertThat(usesTls(servers)).isEqualTo(tls);
	}

	/**
	 * The server's {@code FATAL} follows the reply to a connection's last statement so
	 * closely that the driver reads both at once: the {@code FATAL} waits in pgjdbc's
	 * buffer (without TLS) or behind the TLS record the driver read (with TLS). A proxy
	 * that holds what the server sends makes it so every time.
	 */
	@ParameterizedTest(name = "over TLS: {0}")
	@ValueSource(booleans = { false, true })
	void noTransactionFailsOnAConnectionThatReadTheServersFatalWithTheReplyToItsLastStatement(boolean tls)
			throws Exception {
		this.cluster = tls ? clusterWithTls() : PostgresCluster.start(0);
		try (NioReactor reactor = new NioReactor();
				TcpCrusher proxy = TcpCrusherBuilder.builder()
					.withReactor(reactor)
					.withBindAddress("127.0.0.1", freePort())
					.withConnectAddress("127.0.0.1", this.cluster.primary().port())
					.buildAndOpen()) {
			ConnectionString throughProxy = Relations.connectionString(this.cluster.primary())
				.with(Map.of("port", String.valueOf(proxy.getBindAddress().getPort())));
			if (tls) {
				throughProxy = throughProxy
					.with(Map.of("sslmode", "verify-ca", "sslrootcert", this.caCertificate.toString()));
			}
			BackendPool master = poolWhoseConnectionsCountAsJustUsed(throughProxy);
			try {
				int ended = runALastStatementWhoseReplyTheServersFatalFollows(master, proxy);
				try (Connection connection = master.connection()) {
					assertThat(connection.unwrap(PGConnection.class).getBackendPID())
						.as("the backend the server ended, whose FATAL the driver read")
						.isNotEqualTo(ended);
					assertThat(usesTls(connection)).isEqualTo(tls);
				}
			}
			finally {
				master.pool().close();
			}
		}
	}

	/**
	 * Runs a statement that waits for a lock; while it waits, the proxy stops passing
	 * bytes on, the lock is released, and once the statement's backend sent its reply,
	 * the backend is ended. The proxy then hands the driver the reply and the
	 * {@code FATAL} together. Returns the ended backend's process id, its connection back
	 * in the pool.
	 */
	private int runALastStatementWhoseReplyTheServersFatalFollows(BackendPool pool, TcpCrusher proxy) throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (Connection admin = this.cluster.primary().connectAsSuperuser();
				Statement adminStatement = admin.createStatement();
				Connection connection = pool.connection()) {
			int pid = connection.unwrap(PGConnection.class).getBackendPID();
			adminStatement.execute("SELECT pg_advisory_lock(15)");
			Future<?> statement = executor.submit(() -> {
				try (Statement waiting = connection.createStatement()) {
					return waiting.execute("SELECT pg_advisory_xact_lock(15)");
				}
			});
			awaitBackend(admin, pid, "wait_event_type = 'Lock'");
			proxy.freeze();
			adminStatement.execute("SELECT pg_advisory_unlock(15)");
			awaitBackend(admin, pid, "state = 'idle'");
			adminStatement.execute("SELECT pg_terminate_backend(" + pid + ")");
			awaitBackendGone(admin, pid);
			proxy.unfreeze();
			statement.get(30, TimeUnit.SECONDS);
			return pid;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** Waits until the backend's row in {@code pg_stat_activity} meets the condition. */
	private static void awaitBackend(Connection admin, int pid, String condition) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> backendCount(admin, "pid = " + pid + " AND " + condition) == 1);
	}

	private static void awaitBackendGone(Connection admin, int pid) {
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> backendCount(admin, "pid = " + pid) == 0);
	}

	private static int backendCount(Connection admin, String condition) throws SQLException {
		try (Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE " + condition)) {
			result.next();
			return result.getInt(1);
		}
	}

	/**
	 * A free port for the proxy, which reports the port it was given rather than the one
	 * it bound.
	 */
	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Test
	void noTransactionFailsOnAConnectionLeftFromBeforeTheServerRestarted() throws Exception {
		this.cluster = PostgresCluster.start(0);
		BackendPool master = poolWhoseConnectionsCountAsJustUsed();
		try {
			useEveryConnectionOnce(master);
			// pg_ctl stop -m fast: every idle session gets its FATAL
			this.cluster.stop(this.cluster.primary());
			this.cluster.start(this.cluster.primary());
			runATransactionOnEveryConnection(master);
		}
		finally {
			master.pool().close();
		}
	}

	@Test
	void noTransactionFailsOnAConnectionWhoseIdleSessionTimedOut() throws Exception {
		this.cluster = PostgresCluster.start(0);
		try (Connection admin = this.cluster.primary().connectAsSuperuser();
				Statement statement = admin.createStatement()) {
			statement.execute("ALTER ROLE \"" + this.cluster.user() + "\" SET idle_session_timeout = '300ms'");
		}
		BackendPool master = poolWhoseConnectionsCountAsJustUsed();
		try {
			useEveryConnectionOnce(master);
			// Each session ends on its own (57P05), the server stays
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> this.cluster.serverConnections(this.cluster.primary()) == 0);
			runATransactionOnEveryConnection(master);
		}
		finally {
			master.pool().close();
		}
	}

	@Test
	void aNotificationWaitingOnAnIdleConnectionLeavesItInThePoolAndForTheApplication() throws Exception {
		this.cluster = PostgresCluster.start(0);
		BackendPool master = new PoolFactory(Relations.poolTemplate(), RoutingSettings.defaults(), "db")
			.master(Relations.connectionString(this.cluster.primary()), List.of());
		try {
			int listening;
			try (Connection connection = master.connection(); Statement statement = connection.createStatement()) {
				statement.execute("LISTEN relation_test");
				listening = connection.unwrap(PGConnection.class).getBackendPID();
			}
			try (Connection admin = this.cluster.primary().connectAsSuperuser();
					Statement statement = admin.createStatement()) {
				statement.execute("NOTIFY relation_test");
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(hasUnreadInputOnItsIdleConnection(master)).isTrue());
			try (Connection connection = master.connection()) {
				PGConnection driverConnection = connection.unwrap(PGConnection.class);
				assertThat(driverConnection.getBackendPID()).isEqualTo(listening);
				assertThat(driverConnection.getNotifications()).extracting(PGNotification::getName)
					.containsExactly("relation_test");
			}
		}
		finally {
			master.pool().close();
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void connectionsMadeByASocketFactoryOfTheApplicationGoUncheckedAndItIsLoggedOnce(CapturedOutput output)
			throws Exception {
		this.cluster = PostgresCluster.start(0);
		BackendPool master = poolWithASocketFactoryOfTheApplication();
		try {
			List<Connection> held = List.of(master.connection(), master.connection());
			for (Connection connection : held) {
				assertThat(master.connections().hasUnreadInput(connection)).isFalse();
				connection.close();
			}
			endEverySessionOfTheRelationUser(2);
			try (Connection stale = master.pool().getConnection()) {
				assertThat(master.connections().hasUnreadInput(stale)).as("a session ended, unseen").isFalse();
			}
			assertThat(output).containsOnlyOnce("are not checked for a session their server ended")
				.contains(ApplicationSocketFactory.class.getName())
				.doesNotContain(this.cluster.password());
		}
		finally {
			master.pool().close();
		}
	}

	@Test
	void connectionsMadeByASocketFactoryOfTheApplicationAreAbortedWithThePool() throws Exception {
		this.cluster = PostgresCluster.start(0);
		BackendPool master = poolWithASocketFactoryOfTheApplication();
		try {
			Connection inUse = master.connection();
			Connection physical = inUse.unwrap(Connection.class);
			master.connections().abortOpenConnections();
			assertThat(physical.isClosed()).as("aborted as the pool's other connections are").isTrue();
			closeQuietly(inUse);
		}
		finally {
			master.pool().close();
		}
	}

	private BackendPool poolWithASocketFactoryOfTheApplication() {
		HikariConfig template = Relations.poolTemplate();
		template.addDataSourceProperty("socketFactory", ApplicationSocketFactory.class.getName());
		return new PoolFactory(template, RoutingSettings.defaults(), "db")
			.master(Relations.connectionString(this.cluster.primary()), List.of());
	}

	private static void closeQuietly(Connection aborted) {
		try {
			aborted.close();
		}
		catch (SQLException ex) {
			// HikariCP's proxy may meet the aborted connection as it resets it
		}
	}

	/**
	 * Takes as many connections as the pool holds, one after the other, through the
	 * check.
	 */
	private static void runATransactionOnEveryConnection(BackendPool pool) throws SQLException {
		for (int i = 0; i < POOL_SIZE; i++) {
			try (Connection connection = pool.connection(); Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
		}
	}

	/** Leaves the pool full of idle connections, each used once. */
	private static void useEveryConnectionOnce(BackendPool pool) throws SQLException {
		List<Connection> held = new ArrayList<>();
		for (int i = 0; i < POOL_SIZE; i++) {
			held.add(pool.connection());
		}
		for (Connection connection : held) {
			connection.close();
		}
		assertThat(pool.pool().getHikariPoolMXBean().getIdleConnections()).isEqualTo(POOL_SIZE);
	}

	private PostgresCluster clusterWithTls() throws IOException {
		TestCertificates authority = TestCertificates.authority("stale connection test CA");
		this.caCertificate = authority.writeCaCertificate(this.files.resolve("ca.crt"));
		TestCertificates.ServerFiles server = authority.writeServer(Files.createDirectory(this.files.resolve("server")),
				"127.0.0.1");
		return PostgresCluster.builder().tls(server.certificate(), server.key()).start();
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
		return poolWhoseConnectionsCountAsJustUsed(Relations.connectionString(this.cluster.primary()));
	}

	private BackendPool poolWhoseConnectionsCountAsJustUsed(ConnectionString master) {
		String property = "com.zaxxer.hikari.aliveBypassWindowMs";
		String previous = System.setProperty(property, String.valueOf(TimeUnit.MINUTES.toMillis(10)));
		try {
			return new PoolFactory(Relations.poolTemplate(), RoutingSettings.defaults(), "db").master(master,
					List.of());
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

	private Servers routing(boolean tls) {
		HikariConfig template = Relations.poolTemplate();
		// A busy machine must not turn the warm-up into a timeout.
		template.setConnectionTimeout(Duration.ofSeconds(20).toMillis());
		this.dataSource = new RelationRoutingDataSource(template, RoutingSettings.defaults(), "db");
		ConnectionString master = Relations.connectionString(this.cluster.primary());
		if (tls) {
			master = master.with(Map.of("sslmode", "verify-ca", "sslrootcert", this.caCertificate.toString()));
		}
		publish(this.dataSource, Relations.snapshot(master, List.of()));
		return new Servers(this.dataSource);
	}

	/**
	 * Ends the relation user's sessions as a shutdown does: each gets its {@code FATAL}
	 * while idle. Returns their backends' process ids once all have exited.
	 */
	private Set<Integer> endEverySessionOfTheRelationUser(int expected) throws SQLException {
		Set<Integer> ended = new HashSet<>();
		try (Connection admin = this.cluster.primary().connectAsSuperuser();
				Statement statement = admin.createStatement();
				ResultSet result = statement
					.executeQuery("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
							+ this.cluster.user() + "'")) {
			while (result.next()) {
				ended.add(result.getInt(1));
			}
		}
		assertThat(ended).hasSize(expected);
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> this.cluster.serverConnections(this.cluster.primary()) == 0);
		return ended;
	}

	private static boolean hasUnreadInputOnItsIdleConnection(BackendPool pool) throws SQLException {
		try (Connection connection = pool.pool().getConnection()) {
			return pool.connections().hasUnreadInput(connection);
		}
	}

	private static boolean usesTls(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			return result.next() && result.getBoolean(1);
		}
	}

	private static boolean usesTls(Servers servers) {
		return Boolean.TRUE.equals(servers.write((status) -> servers.jdbc()
			.queryForObject("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Boolean.class)));
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
