package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relation user's password rotated under load, against a real primary and two
 * streaming standbys, as a PostgreSQL charm does it: the server gets the new password
 * first ({@code ALTER ROLE}), the relation (the state file) a moment later. Sixteen
 * clients run short read-write and read-only transactions through pools of four, so that
 * some always wait for a connection; none of their transactions fails, the servers refuse
 * the old password, and every connection opened with it is closed once its transaction
 * has ended.
 */
class PasswordRotationIntegrationTests {

	/** HikariCP's {@code connectionTimeout}: how long a transaction waits for a pool. */
	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * How long the servers refuse the old password before the file carries the new one:
	 * the charm learns of the new secret revision in a later hook.
	 */
	private static final Duration WINDOW = Duration.ofSeconds(1);

	/**
	 * No call may take longer than a wait for a connection, plus room for a busy machine.
	 */
	private static final Duration CALL_BOUND = CONNECTION_TIMEOUT.plusSeconds(5);

	private static final String[] SETTINGS = { "test.transaction-manager=jdbc",
			"pgsql.relation.pool.connection-timeout=" + CONNECTION_TIMEOUT.toMillis() };

	@TempDir
	Path directory;

	private PostgresCluster cluster;

	private Path stateFile;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() throws SQLException {
		this.cluster = PostgresCluster.start(2);
		FaultsUnderLoadIntegrationTests.createTable(this.cluster.primary());
		this.stateFile = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(this.stateFile, this.cluster);
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.cluster.close();
	}

	@Test
	void passwordRotatedUnderLoadFailsNoTransactionAndRetiresEveryConnectionOfTheOldPassword() throws Exception {
		this.context = IntegrationApplication.run(this.stateFile, SETTINGS);
		try (ClientLoad load = new ClientLoad(this.context, 8, 8)) {
			load.awaitWrites(100);
			load.awaitReads(100);
			Rotation rotation = rotate(load);
			load.awaitWrites(100);
			load.awaitReads(100);
			load.stop(CALL_BOUND);
			report("16 clients", load, rotation);
			assertNoFailure(load);
			assertOldPasswordRefused(rotation.oldPassword());
			assertPoolsKept();
		}
	}

	@Test
	void connectionsRefusedBeforeTheFileHasTheNewPasswordAreMadeOnceItHas() throws Exception {
		// Pools that grow on demand: the clients that join while only the server knows
		// the new password need connections that the old one cannot open, on the master
		// (only they write) and on the standbys.
		this.context = IntegrationApplication.run(this.stateFile, with(SETTINGS, "pgsql.relation.pool.minimum-idle=1"));
		try (ClientLoad steady = new ClientLoad(this.context, 0, 3)) {
			steady.awaitReads(20);
			OffsetDateTime rotatedAt = OffsetDateTime.now();
			String oldPassword = this.cluster.password();
			this.cluster.rotatePassword();
			try (ClientLoad joining = new ClientLoad(this.context, 8, 5)) {
				Thread.sleep(WINDOW.toMillis());
				long fileWritten = System.nanoTime();
				RelationStateFiles.writeResolved(this.stateFile, this.cluster);
				Duration replaced = awaitNoConnectionOpenedBefore(rotatedAt, fileWritten);
				joining.awaitWrites(100);
				joining.awaitReads(100);
				joining.stop(CALL_BOUND);
				steady.stop(CALL_BOUND);
				Rotation rotation = new Rotation(oldPassword, replaced);
				report("3 readers, 13 clients joining in the window", steady, rotation);
				report("13 clients joining in the window", joining, rotation);
				assertNoFailure(steady);
				assertNoFailure(joining);
				assertThat(joining.counts().writesSucceeded()).isPositive();
				assertOldPasswordRefused(oldPassword);
				assertPoolsKept();
			}
		}
	}

	/**
	 * Rotates the password on the servers, then in the file after {@link #WINDOW}, and
	 * waits until no connection opened with the old password is left.
	 */
	private Rotation rotate(ClientLoad load) throws Exception {
		OffsetDateTime rotatedAt = OffsetDateTime.now();
		String oldPassword = this.cluster.password();
		this.cluster.rotatePassword();
		Thread.sleep(WINDOW.toMillis());
		long fileWritten = System.nanoTime();
		RelationStateFiles.writeResolved(this.stateFile, this.cluster);
		return new Rotation(oldPassword, awaitNoConnectionOpenedBefore(rotatedAt, fileWritten));
	}

	/**
	 * Waits until every connection of the relation user on every node was opened after
	 * the password changed, that is with the new one, and returns how long that took from
	 * the moment the file had it.
	 */
	private Duration awaitNoConnectionOpenedBefore(OffsetDateTime rotatedAt, long fileWritten) {
		ServerSessions.awaitNoneOpenedBefore(this.cluster, rotatedAt, CALL_BOUND.multipliedBy(2));
		return Duration.ofNanos(System.nanoTime() - fileWritten);
	}

	private void assertOldPasswordRefused(String oldPassword) {
		ServerSessions.assertPasswordRefused(this.cluster, oldPassword);
	}

	/** The master's and each standby's pool took the new password; none retired. */
	private void assertPoolsKept() {
		RecordingRoutingListener pools = this.context.getBean(RecordingRoutingListener.class);
		assertThat(pools.retired()).isEmpty();
		assertThat(pools.credentialsChanged()).containsExactlyInAnyOrder("pgsql-relation-db-master",
				"pgsql-relation-db-standby-127.0.0.1-" + this.cluster.standbys().get(0).port(),
				"pgsql-relation-db-standby-127.0.0.1-" + this.cluster.standbys().get(1).port());
	}

	private static void assertNoFailure(ClientLoad load) {
		assertThat(load.failures()).isEmpty();
		assertThat(load.counts().writesFailed()).isZero();
		assertThat(load.counts().readsFailed()).isZero();
	}

	private static void report(String load, ClientLoad calls, Rotation rotation) {
		System.out.printf("Password rotation, %s: %s, slowest call %d ms, old connections gone %d ms after the file%n",
				load, calls.counts(), calls.slowestCall().toMillis(), rotation.oldConnectionsGone().toMillis());
		for (Map.Entry<String, Long> failure : calls.failures().entrySet()) {
			System.out.printf("  %d x %s%n", failure.getValue(), failure.getKey());
		}
	}

	private static String[] with(String[] settings, String... more) {
		String[] result = new String[settings.length + more.length];
		System.arraycopy(settings, 0, result, 0, settings.length);
		System.arraycopy(more, 0, result, settings.length, more.length);
		return result;
	}

	/**
	 * What a rotation left to check.
	 *
	 * @param oldPassword the password before
	 * @param oldConnectionsGone how long after the file had the new password the last
	 * connection opened with the old one closed
	 */
	private record Rotation(String oldPassword, Duration oldConnectionsGone) {

	}

}
