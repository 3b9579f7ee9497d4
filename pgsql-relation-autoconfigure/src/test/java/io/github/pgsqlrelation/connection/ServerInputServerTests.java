package io.github.pgsqlrelation.connection;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.github.pgsqlrelation.test.PostgresCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ServerInput} on connections to a real server: after every kind of
 * exchange pgjdbc has with it, an idle connection reads as having nothing waiting, so
 * that the routing's check of each connection taken costs no needless round trip.
 */
class ServerInputServerTests {

	private static final Driver DRIVER = new Driver();

	@TempDir
	static Path files;

	static PostgresCluster cluster;

	private Connection connection;

	private ServerInput input;

	@BeforeAll
	static void startServerWithTls() throws Exception {
		TestCertificates authority = TestCertificates.authority("server input test CA");
		TestCertificates.ServerFiles server = authority.writeServer(Files.createDirectory(files.resolve("server")),
				"127.0.0.1");
		cluster = PostgresCluster.builder().tls(server.certificate(), server.key()).start();
	}

	@AfterAll
	static void stopServer() {
		cluster.close();
	}

	@AfterEach
	void closeConnection() throws SQLException {
		if (this.connection != null) {
			this.connection.close();
		}
	}

	@Test
	void seesTheDriversBufferOnConnectionsWithoutTlsOnly() throws SQLException {
		connect("disable");
		assertThat(this.input.seesDriverBuffer()).isTrue();
		assertThat(usesTls()).isFalse();
		this.connection.close();
		connect("require");
		assertThat(this.input.seesDriverBuffer()).isFalse();
		assertThat(usesTls()).isTrue();
	}

	@Test
	void copyLeavesNothingWaiting() throws Exception {
		connect("disable");
		CopyManager copy = this.connection.unwrap(PGConnection.class).getCopyAPI();
		copy.copyOut("COPY (SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g) TO STDOUT",
				new ByteArrayOutputStream());
		assertNothingWaitsAfter("COPY TO STDOUT");
		execute("CREATE TEMP TABLE copied (a int, b text)");
		copy.copyIn("COPY copied FROM STDIN", new StringReader("1\tx\n".repeat(100_000)));
		assertNothingWaitsAfter("COPY FROM STDIN");
	}

	@Test
	void resultsReadInPartsOrWholeLeaveNothingWaiting() throws Exception {
		connect("disable");
		this.connection.setAutoCommit(false);
		try (Statement statement = this.connection.createStatement()) {
			statement.setFetchSize(10);
			try (ResultSet result = statement.executeQuery("SELECT g FROM generate_series(1, 100000) g")) {
				for (int i = 0; i < 25; i++) {
					assertThat(result.next()).isTrue();
				}
			}
		}
		assertNothingWaitsAfter("a portal read in part");
		this.connection.commit();
		this.connection.setAutoCommit(true);
		assertNothingWaitsAfter("its commit");
		try (Statement statement = this.connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT decode(repeat('5a00000005', 400000), 'hex')")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getBytes(1)).hasSize(2_000_000);
		}
		assertNothingWaitsAfter("2 MB whose every 5 bytes look like a ReadyForQuery's start");
	}

	@Test
	void failuresCancelsAndNoticesLeaveNothingWaiting() throws Exception {
		connect("disable");
		try (Statement statement = this.connection.createStatement()) {
			statement.setQueryTimeout(1);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.execute("SELECT pg_sleep(5)"));
		}
		assertNothingWaitsAfter("a statement cancelled by its query timeout");
		execute("SET statement_timeout = 100");
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> execute("SELECT pg_sleep(5)"));
		execute("RESET statement_timeout");
		assertNothingWaitsAfter("statement_timeout");
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> execute("SELEC 1"));
		assertNothingWaitsAfter("a syntax error");
		execute("DO $$BEGIN RAISE NOTICE 'hello'; END$$");
		assertNothingWaitsAfter("a notice");
	}

	@Test
	void batchesLargeObjectsAndValidityChecksLeaveNothingWaiting() throws Exception {
		connect("disable");
		execute("CREATE TEMP TABLE batched (a int)");
		try (PreparedStatement insert = this.connection.prepareStatement("INSERT INTO batched VALUES (?)")) {
			for (int i = 0; i < 5000; i++) {
				insert.setInt(1, i);
				insert.addBatch();
			}
			insert.executeBatch();
		}
		assertNothingWaitsAfter("a batch");
		this.connection.setAutoCommit(false);
		LargeObjectManager objects = this.connection.unwrap(PGConnection.class).getLargeObjectAPI();
		long oid = objects.createLO();
		try (LargeObject object = objects.open(oid)) {
			object.write(new byte[100_000]);
		}
		this.connection.commit();
		this.connection.setAutoCommit(true);
		assertNothingWaitsAfter("a large object (the fast-path protocol)");
		assertThat(this.connection.isValid(5)).isTrue();
		assertNothingWaitsAfter("isValid");
	}

	@Test
	void aNotificationCountsUntilTheNextStatementOnceGetNotificationsReadItFromTheSocket() throws Exception {
		connect("disable");
		PGConnection driverConnection = this.connection.unwrap(PGConnection.class);
		execute("LISTEN server_input_test");
		assertThat(driverConnection.getNotifications()).isEmpty();
		assertNothingWaitsAfter("getNotifications() that found none");
		execute("NOTIFY server_input_test, 'own'");
		assertThat(driverConnection.getNotifications()).hasSize(1);
		assertNothingWaitsAfter("a notification that came with a statement's reply");
		try (Connection other = cluster.primary().connect(); Statement statement = other.createStatement()) {
			statement.execute("NOTIFY server_input_test, 'other'");
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(this.input::hasUnread);
		assertThat(driverConnection.getNotifications()).hasSize(1);
		assertThat(this.input.hasUnread()).as("read by getNotifications(), no ReadyForQuery after it").isTrue();
		execute("SELECT 1");
		assertNothingWaitsAfter("the next statement");
	}

	private void connect(String sslmode) throws SQLException {
		JdbcConnection jdbc = ConnectionString.parse(cluster.primary().connectionString())
			.with(Map.of("sslmode", sslmode))
			.toJdbc();
		try (SocketCapture capture = SocketCapture.open()) {
			this.connection = DRIVER.connect(jdbc.url(), capture.applyTo(jdbc.toProperties()));
			this.input = capture.input();
		}
		assertThat(this.input).isNotNull();
	}

	private void assertNothingWaitsAfter(String exchange) {
		assertThat(this.input.hasUnread()).as(exchange).isFalse();
	}

	private void execute(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private boolean usesTls() throws SQLException {
		try (Statement statement = this.connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			return result.next() && result.getBoolean(1);
		}
	}

}
