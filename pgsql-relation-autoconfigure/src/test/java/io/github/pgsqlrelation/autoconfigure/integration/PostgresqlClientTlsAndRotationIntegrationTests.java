package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLException;

import jakarta.persistence.EntityManagerFactory;

import io.github.pgsqlrelation.connection.TestCertificates;
import io.github.pgsqlrelation.relation.AuthenticationUpdatedEvent;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.MasterGoneEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresqlClientRelation;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A Spring Boot application related through the state file to a {@code postgresql_client}
 * provider (endpoint {@code database}), against a real primary and two streaming standbys
 * that serve TLS with a certificate for their address, issued by a CA made here: writes
 * go to the primary and read-only transactions round-robin over the replicas, every
 * connection verifies the server's certificate with the relation's CA (a server that
 * another CA signed for, or whose certificate does not name the published host, is
 * refused), and the password rotated under load through the file, as after
 * {@code secret-changed}, fails no transaction.
 */
class PostgresqlClientTlsAndRotationIntegrationTests {

	/** HikariCP's {@code connectionTimeout}: how long a transaction waits for a pool. */
	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * How long the servers refuse the old password before the file carries the new one.
	 */
	private static final Duration WINDOW = Duration.ofSeconds(1);

	private static final Duration CALL_BOUND = CONNECTION_TIMEOUT.plusSeconds(5);

	/**
	 * A refused server cannot answer Hibernate's metadata read at start-up: the
	 * application starts all the same, and a request fails once the pool's connection
	 * timeout has passed, with the last failure to connect as its cause.
	 */
	private static final String[] REFUSED_AT_START_UP = { "pgsql.relation.pool.connection-timeout=2000" };

	@TempDir
	static Path files;

	private static PostgresCluster cluster;

	private static String ca;

	private static String otherCa;

	@TempDir
	Path directory;

	private ConfigurableApplicationContext context;

	private final List<RelationEvent> events = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startServersWithTls() throws Exception {
		TestCertificates authority = TestCertificates.authority("postgresql_client test CA");
		ca = Files.readString(authority.writeCaCertificate(files.resolve("ca.crt")));
		otherCa = Files
			.readString(TestCertificates.authority("another CA").writeCaCertificate(files.resolve("other.crt")));
		// As the PostgreSQL charms' certificates name the addresses they publish
		TestCertificates.ServerFiles server = authority.writeServer(Files.createDirectory(files.resolve("server")),
				"127.0.0.1");
		cluster = PostgresCluster.builder().standbys(2).tls(server.certificate(), server.key()).start();
		FaultsUnderLoadIntegrationTests.createTable(cluster.primary());
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopServers() {
		cluster.close();
	}

	@AfterEach
	void closeApplication() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void writesGoToThePrimaryAndReadOnlyTransactionsRoundRobinOverTheReplicasOverVerifiedTls() {
		start(RelationStateFiles.postgresqlClient(cluster).tls(ca));
		JdbcTemplate jdbc = this.context.getBean(JdbcTemplate.class);
		Session write = transactions(false).execute((status) -> {
			jdbc.update("INSERT INTO note (id, text) VALUES (1, 'over TLS')");
			return session(jdbc);
		});
		assertThat(write).isEqualTo(new Session(cluster.primary().port(), false, true));
		Map<Integer, Integer> readsByPort = new TreeMap<>();
		for (int i = 0; i < 20; i++) {
			Session read = transactions(true).execute((status) -> session(jdbc));
			assertThat(read.inRecovery()).isTrue();
			assertThat(read.tls()).isTrue();
			readsByPort.merge(read.port(), 1, Integer::sum);
		}
		assertThat(readsByPort).containsOnly(Map.entry(cluster.standbys().get(0).port(), 10),
				Map.entry(cluster.standbys().get(1).port(), 10));
		assertThat(
				this.context.getBean(RelationRoutingDataSource.class).topology().master().backend().connectionString())
			.contains("sslmode=verify-full");
	}

	@Test
	void refusesAServerWhoseCertificateAnotherCaSigned() {
		start(RelationStateFiles.postgresqlClient(cluster).tls(otherCa), REFUSED_AT_START_UP);
		// JPA started without the server: the dialect comes from the relation's version
		Dialect dialect = this.context.getBean(EntityManagerFactory.class)
			.unwrap(SessionFactoryImplementor.class)
			.getJdbcServices()
			.getDialect();
		assertThat(dialect).isInstanceOf(PostgreSQLDialect.class);
		assertThat(
				dialect.getVersion().getDatabaseMajorVersion() + "." + dialect.getVersion().getDatabaseMinorVersion())
			.isEqualTo(String.join(".", List.of(cluster.serverVersion().split("\\.")).subList(0, 2)));
		Throwable write = catchThrowable(() -> transactions(false).execute((status) -> session(jdbc())));
		assertThat(write).hasStackTraceContaining("No connection to the master 127.0.0.1:" + cluster.primary().port());
		assertThat(causes(write)).anySatisfy((cause) -> assertThat(cause).isInstanceOf(SSLException.class));
		Throwable read = catchThrowable(() -> transactions(true).execute((status) -> session(jdbc())));
		assertThat(causes(read)).anySatisfy((cause) -> assertThat(cause).isInstanceOf(SSLException.class));
	}

	@Test
	void refusesAServerWhoseCertificateDoesNotNameThePublishedHost() {
		// localhost reaches the servers, but their certificate names 127.0.0.1 only:
		// verify-full refuses it, as libpq would.
		start(RelationStateFiles.postgresqlClient(cluster).tls(ca).host("localhost"), REFUSED_AT_START_UP);
		Throwable write = catchThrowable(() -> transactions(false).execute((status) -> session(jdbc())));
		assertThat(write).hasStackTraceContaining("No connection to the master localhost:" + cluster.primary().port())
			.hasStackTraceContaining("could not be verified");
	}

	@Test
	void passwordRotatedUnderLoadThroughTheSecretFailsNoTransaction() throws Exception {
		start(RelationStateFiles.postgresqlClient(cluster).tls(ca),
				"pgsql.relation.pool.connection-timeout=" + CONNECTION_TIMEOUT.toMillis());
		try (ClientLoad load = new ClientLoad(this.context, 8, 8)) {
			load.awaitWrites(100);
			load.awaitReads(100);
			this.events.clear();
			OffsetDateTime rotatedAt = OffsetDateTime.now();
			String oldPassword = cluster.password();
			cluster.rotatePassword();
			Thread.sleep(WINDOW.toMillis());
			long fileWritten = System.nanoTime();
			// The same secret-user, its new revision resolved: what the charm exports on
			// secret-changed
			RelationStateFiles.postgresqlClient(cluster).tls(ca).write(this.directory.resolve("pgsql-relation.json"));
			ServerSessions.awaitNoneOpenedBefore(cluster, rotatedAt, CALL_BOUND.multipliedBy(2));
			Duration oldConnectionsGone = Duration.ofNanos(System.nanoTime() - fileWritten);
			load.awaitWrites(100);
			load.awaitReads(100);
			load.stop(CALL_BOUND);
			System.out.printf(
					"Password rotation through postgresql_client, TLS on, 16 clients: %s, slowest call %d ms,"
							+ " old connections gone %d ms after the file%n",
					load.counts(), load.slowestCall().toMillis(), oldConnectionsGone.toMillis());
			load.failures().forEach((failure, count) -> System.out.printf("  %d x %s%n", count, failure));
			assertThat(load.failures()).isEmpty();
			assertThat(load.counts().writesFailed()).isZero();
			assertThat(load.counts().readsFailed()).isZero();
			ServerSessions.assertPasswordRefused(cluster, oldPassword);
			RecordingRoutingListener pools = this.context.getBean(RecordingRoutingListener.class);
			assertThat(pools.retired()).isEmpty();
			assertThat(pools.credentialsChanged()).hasSize(3);
			assertThat(this.events).hasAtLeastOneElementOfType(MasterChangedEvent.class)
				.hasAtLeastOneElementOfType(AuthenticationUpdatedEvent.class)
				.noneMatch(MasterGoneEvent.class::isInstance);
		}
	}

	private void start(PostgresqlClientRelation relation, String... properties) {
		Path stateFile = this.directory.resolve("pgsql-relation.json");
		relation.write(stateFile);
		List<String> settings = new ArrayList<>(
				List.of("pgsql.relation.endpoint=database", "test.transaction-manager=jdbc"));
		settings.addAll(List.of(properties));
		this.context = IntegrationApplication.run(stateFile, settings.toArray(String[]::new));
		this.context.addApplicationListener((ApplicationEvent event) -> {
			if (event instanceof PayloadApplicationEvent<?> payload
					&& payload.getPayload() instanceof RelationEvent relationEvent) {
				this.events.add(relationEvent);
			}
		});
	}

	private JdbcTemplate jdbc() {
		return this.context.getBean(JdbcTemplate.class);
	}

	private TransactionTemplate transactions(boolean readOnly) {
		TransactionTemplate transactions = new TransactionTemplate(
				this.context.getBean(PlatformTransactionManager.class));
		transactions.setReadOnly(readOnly);
		return transactions;
	}

	private static Session session(JdbcTemplate jdbc) {
		return jdbc.queryForObject(
				"SELECT inet_server_port(), pg_is_in_recovery(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
				(row, number) -> new Session(row.getInt(1), row.getBoolean(2), row.getBoolean(3)));
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	/**
	 * Where a transaction ran.
	 *
	 * @param port the server's port
	 * @param inRecovery whether the server is a standby
	 * @param tls whether the session uses TLS
	 */
	private record Session(int port, boolean inRecovery, boolean tls) {

	}

}
