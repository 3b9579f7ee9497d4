package io.github.pgsqlrelation.connection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.github.pgsqlrelation.connection.TestCertificates.ServerFiles;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Connects with mapped connection strings to real servers that serve TLS with a
 * certificate naming {@code db.example} only, issued by a CA made here, to check that
 * each {@code sslmode} and {@code hostaddr} keeps libpq's meaning.
 */
class JdbcMappingTlsTests {

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
