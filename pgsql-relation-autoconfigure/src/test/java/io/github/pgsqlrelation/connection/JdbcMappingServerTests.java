package io.github.pgsqlrelation.connection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import io.github.pgsqlrelation.connection.TestCertificates.ServerFiles;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.hostchooser.GlobalHostStatusTracker;
import org.postgresql.hostchooser.HostStatus;
import org.postgresql.util.HostSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Connects with mapped connection strings to real servers (a primary and a standby) that
 * serve TLS with a certificate naming {@code db.example} only, issued by a CA made here,
 * to check that each {@code sslmode}, {@code hostaddr} and the other keywords that decide
 * where and how to connect keep libpq's meaning.
 */
class JdbcMappingServerTests {

	private static final Driver DRIVER = new Driver();

	@TempDir
	static Path files;

	static PostgresCluster cluster;

	static Path caCertificate;

	static Path otherCaCertificate;

	@BeforeAll
	static void startServersWithTls() throws Exception {
		TestCertificates authority = TestCertificates.authority("pgsql-relation test CA");
		caCertificate = authority.writeCaCertificate(files.resolve("ca.crt"));
		otherCaCertificate = TestCertificates.authority("another CA").writeCaCertificate(files.resolve("other-ca.crt"));
		Path serverDirectory = Files.createDirectory(files.resolve("server"));
		ServerFiles server = authority.writeServer(serverDirectory, "db.example");
		cluster = PostgresCluster.builder().standbys(1).tls(server.certificate(), server.key()).start();
	}

	@AfterAll
	static void stopServers() {
		cluster.close();
	}

	@Test
	void connectsToHostaddrAndVerifiesTheCertificateAgainstHost() throws SQLException {
		assertThat(usesTls("host=db.example hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=" + caCertificate))
			.isTrue();
	}

	@Test
	void refusesACertificateThatDoesNotNameHostAtTheRightAddress() {
		assertThatExceptionOfType(SQLException.class).isThrownBy(
				() -> usesTls("host=other.example hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=" + caCertificate))
			.withMessageContaining("could not be verified");
	}

	@Test
	void verifiesAgainstTheAddressWhereNoHostNameIsGiven() {
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls("hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=" + caCertificate))
			.withMessageContaining("could not be verified");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls("host=127.0.0.1 sslmode=verify-full sslrootcert=" + caCertificate))
			.withMessageContaining("could not be verified");
	}

	@Test
	void verifiesEachHostOfAListAgainstItsOwnName() throws SQLException {
		int primary = cluster.primary().port();
		int standby = cluster.standbys().get(0).port();
		ConnectionString connectionString = ConnectionString
			.parse("host=other.example,db.example hostaddr=127.0.0.1,127.0.0.1 port=" + primary + "," + standby
					+ " sslmode=verify-full sslrootcert=" + caCertificate)
			.with(credentials());
		try (Connection connection = connect(connectionString.toJdbc())) {
			assertThat(queryInt(connection, "SELECT inet_server_port()")).isEqualTo(standby);
		}
	}

	@Test
	void verifyCaChecksTheIssuerOnly() throws SQLException {
		assertThat(usesTls("host=127.0.0.1 sslmode=verify-ca sslrootcert=" + caCertificate)).isTrue();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls("host=127.0.0.1 sslmode=verify-ca sslrootcert=" + otherCaCertificate))
			.withMessageContaining("SSL error");
	}

	@Test
	void requireVerifiesTheIssuerWhereARootCertificateIsGiven() throws SQLException {
		assertThat(usesTls("host=127.0.0.1 sslmode=require")).isTrue();
		assertThat(usesTls("host=127.0.0.1 sslmode=require sslrootcert=" + caCertificate)).isTrue();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls("host=127.0.0.1 sslmode=require sslrootcert=" + otherCaCertificate))
			.withMessageContaining("SSL error");
	}

	@Test
	void requireVerifiesTheIssuerWhereLibpqsDefaultRootCertificateExists(@TempDir Path libpqDirectory)
			throws Exception {
		Files.copy(otherCaCertificate, libpqDirectory.resolve("root.crt"));
		Map<String, String> keywords = ConnectionString
			.parse("host=127.0.0.1 sslmode=require port=" + cluster.primary().port())
			.with(credentials())
			.keywords();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls(JdbcMapping.map(keywords, libpqDirectory)))
			.withMessageContaining("SSL error");
		Files.copy(caCertificate, libpqDirectory.resolve("root.crt"), StandardCopyOption.REPLACE_EXISTING);
		assertThat(usesTls(JdbcMapping.map(keywords, libpqDirectory))).isTrue();
	}

	@Test
	void preferAndAllowUseTlsAsLibpqDoesWithAServerThatOffersBoth() throws SQLException {
		assertThat(usesTls("host=127.0.0.1 sslmode=prefer")).isTrue();
		assertThat(usesTls("host=127.0.0.1")).as("libpq's default, prefer").isTrue();
		assertThat(usesTls("host=127.0.0.1 sslmode=allow")).as("allow tries without TLS first").isFalse();
		assertThat(usesTls("host=127.0.0.1 sslmode=disable")).isFalse();
	}

	@Test
	void channelBindingRequireNeedsTlsAsInLibpq() throws SQLException {
		assertThat(usesTls("host=127.0.0.1 sslmode=require channel_binding=require")).isTrue();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls("host=127.0.0.1 sslmode=disable channel_binding=require"))
			.withMessageContaining("SSL is not in use");
	}

	@Test
	void requireAuthRefusesWhatTheServerAsksForWhenNotListed() throws SQLException {
		assertThat(usesTls("host=127.0.0.1 sslmode=disable require_auth=scram-sha-256")).isFalse();
		assertThat(usesTls("host=127.0.0.1 sslmode=disable require_auth=!password,!oauth")).isFalse();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> usesTls("host=127.0.0.1 sslmode=disable require_auth=md5"))
			.withMessageContaining("not allowed by requireAuth");
	}

	@Test
	void connectsWithLibpqsKeepaliveTimingAndFailsWhereTheSystemRefusesIt() throws SQLException {
		assertThat(usesTls("host=127.0.0.1 keepalives_idle=30 keepalives_interval=5 keepalives_count=3")).isTrue();
		// Linux takes at most 32767 seconds; libpq fails on its setsockopt error too.
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> usesTls("host=127.0.0.1 keepalives_idle=40000"))
			.withStackTraceContaining("Could not set TCP keepalive settings");
	}

	@Test
	void targetSessionAttrsPicksTheServerLibpqWouldPick() throws SQLException {
		int primary = cluster.primary().port();
		int standby = cluster.standbys().get(0).port();
		String hosts = "host=127.0.0.1,127.0.0.1 port=" + primary + "," + standby;
		assertThat(serverPort(hosts + " target_session_attrs=read-write")).isEqualTo(primary);
		assertThat(serverPort(hosts + " target_session_attrs=primary")).isEqualTo(primary);
		assertThat(serverPort(hosts + " target_session_attrs=read-only")).isEqualTo(standby);
		assertThat(serverPort(hosts + " target_session_attrs=any")).isEqualTo(primary);
	}

	@Test
	void readWriteRefusesAPrimaryWhoseSessionsAreReadOnlyAsLibpqDoes() {
		String readOnlySessions = "host=127.0.0.1 port=" + cluster.primary().port()
				+ " options='-c default_transaction_read_only=on'";
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> serverPort(readOnlySessions + " target_session_attrs=read-write"))
			.withMessageContaining("Could not find a server with specified targetServerType");
		// libpq would take it: pgjdbc fails instead of connecting elsewhere
		// (docs/libpq-keywords.md)
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> serverPort(readOnlySessions + " target_session_attrs=primary"))
			.withMessageContaining("Could not find a server with specified targetServerType");
	}

	private static int serverPort(String connectionString) throws SQLException {
		JdbcConnection jdbc = ConnectionString.parse(connectionString).with(credentials()).toJdbc();
		// pgjdbc remembers for hostRecheckSeconds, JVM-wide, which host was of which kind
		// (docs/libpq-keywords.md): one test's findings must not decide the next one's.
		// hostRecheckSeconds=0 alone still trusts a finding of the same millisecond, so
		// what pgjdbc knows of this cluster's hosts is reset first.
		forgetHostKinds();
		Map<String, String> properties = new HashMap<>(jdbc.properties());
		properties.put(PGProperty.HOST_RECHECK_SECONDS.getName(), "0");
		try (Connection connection = connect(new JdbcConnection(jdbc.url(), properties))) {
			return queryInt(connection, "SELECT inet_server_port()");
		}
	}

	private static void forgetHostKinds() {
		for (int port : new int[] { cluster.primary().port(), cluster.standbys().get(0).port() }) {
			GlobalHostStatusTracker.reportHostStatus(new HostSpec("127.0.0.1", port), HostStatus.ConnectOK);
		}
	}

	private static boolean usesTls(String connectionString) throws SQLException {
		return usesTls(ConnectionString.parse(connectionString + " port=" + cluster.primary().port())
			.with(credentials())
			.toJdbc());
	}

	private static boolean usesTls(JdbcConnection jdbc) throws SQLException {
		try (Connection connection = connect(jdbc)) {
			return queryInt(connection,
					"SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == 1;
		}
	}

	private static Map<String, String> credentials() {
		return Map.of("dbname", cluster.database(), "user", cluster.user(), "password", cluster.password());
	}

	private static Connection connect(JdbcConnection jdbc) throws SQLException {
		return DRIVER.connect(jdbc.url(), jdbc.toProperties());
	}

	private static int queryInt(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).isTrue();
			return result.getInt(1);
		}
	}

}
