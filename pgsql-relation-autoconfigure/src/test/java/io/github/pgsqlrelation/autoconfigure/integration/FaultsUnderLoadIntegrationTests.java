package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingTopology;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crashed, stopped and frozen backends under concurrent load, against a real primary and
 * two streaming standbys, through the auto-configured DataSource of a Spring Boot
 * application with explicit timeouts: reads go on on the backends left, writes fail
 * within the timeouts with a message naming the master, no call hangs, and the
 * application recovers when the backend or the relation comes back.
 */
class FaultsUnderLoadIntegrationTests {

	/** HikariCP's {@code connectionTimeout}: how long a transaction waits for a pool. */
	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	/** pgjdbc's {@code socketTimeout}: how long a statement waits for its server. */
	private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * No call may take longer: a transaction in flight waits a socket timeout for its
	 * statement and one more for its rollback, a new one a connection timeout; plus room
	 * for a busy machine.
	 */
	private static final Duration CALL_BOUND = CONNECTION_TIMEOUT.plus(SOCKET_TIMEOUT.multipliedBy(2)).plusSeconds(4);

	/** Long enough for every call that started before a fault to have ended. */
	private static final Duration SETTLE = SOCKET_TIMEOUT.multipliedBy(2).plus(CONNECTION_TIMEOUT);

	static final String[] TIMEOUTS = { "test.transaction-manager=jdbc",
			"pgsql.relation.pool.connection-timeout=" + CONNECTION_TIMEOUT.toMillis(),
			"pgsql.relation.pool.validation-timeout=1000",
			"pgsql.relation.pool.data-source-properties.socketTimeout=" + SOCKET_TIMEOUT.toSeconds(),
			"pgsql.relation.pool.data-source-properties.connectTimeout=2",
			"pgsql.relation.routing.standby-retry-interval=1s", "pgsql.relation.routing.retire-timeout=5s" };

	@TempDir
	Path directory;

	private PostgresCluster cluster;

	private Path stateFile;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() throws SQLException {
		this.cluster = PostgresCluster.start(2);
		createTable(this.cluster.primary());
		this.stateFile = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(this.stateFile, this.cluster);
		this.context = IntegrationApplication.run(this.stateFile, TIMEOUTS);
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.cluster.close();
	}

	@Test
	void killedMasterFailsWritesClearlyWhileReadsGoOnUntilAStandbyIsPromoted() throws Exception {
		PostgresNode master = this.cluster.primary();
		try (ClientLoad load = startLoad()) {
			this.cluster.kill(master);
			// A write that committed just before the kill may be counted just after it
			Thread.sleep(500);
			ClientLoad.Counts whileDown = countOver(load, SETTLE);
			assertThat(whileDown.readsSucceeded()).isPositive();
			assertThat(whileDown.writesSucceeded()).isZero();
			assertThat(whileDown.writesFailed()).isPositive();
			assertThat(load.counts().readsFailed()).isZero();
			assertWritesFailNaming(load, master);
			PostgresNode promoted = this.cluster.standbys().get(0);
			this.cluster.promote(promoted);
			this.cluster.follow(this.cluster.standbys().get(0));
			RelationStateFiles.writeResolved(this.stateFile, this.cluster);
			awaitMaster(promoted);
			load.awaitWrites(50);
			load.awaitReads(50);
			load.stop(CALL_BOUND);
			report("killed master", load);
		}
	}

	@Test
	void stoppedStandbyIsSkippedByReadsAndUsedAgainOnceRestarted() throws Exception {
		PostgresNode stopped = this.cluster.standbys().get(0);
		PostgresNode other = this.cluster.standbys().get(1);
		try (ClientLoad load = startLoad()) {
			this.cluster.stop(stopped);
			Thread.sleep(SETTLE.toMillis());
			long readsOnStopped = load.readsOn(stopped.port());
			ClientLoad.Counts whileDown = countOver(load, Duration.ofSeconds(3));
			assertThat(whileDown.readsFailed()).isZero();
			assertThat(whileDown.readsSucceeded()).isPositive();
			assertThat(load.readsOn(stopped.port())).isEqualTo(readsOnStopped);
			assertThat(load.readsOn(other.port())).isPositive();
			this.cluster.start(stopped);
			await().atMost(Duration.ofSeconds(15)).until(() -> load.readsOn(stopped.port()) > readsOnStopped);
			load.stop(CALL_BOUND);
			assertThat(load.counts().writesFailed()).isZero();
			report("stopped standby", load);
		}
	}

	@Test
	void frozenMasterFailsWritesWithinTheTimeoutsWhileReadsGoOnAndWritesResumeWhenItThaws() throws Exception {
		PostgresNode master = this.cluster.primary();
		try (ClientLoad load = startLoad()) {
			this.cluster.pause(master);
			ClientLoad.Counts whileFrozen;
			try {
				whileFrozen = countOver(load, SETTLE);
				assertThat(load.slowestCall()).isLessThan(CALL_BOUND);
			}
			finally {
				this.cluster.resume(master);
			}
			assertThat(whileFrozen.readsSucceeded()).isPositive();
			assertThat(whileFrozen.writesFailed()).isPositive();
			assertThat(load.counts().readsFailed()).isZero();
			assertWritesFailNaming(load, master);
			load.awaitWrites(50);
			load.stop(CALL_BOUND);
			report("frozen master", load);
		}
	}

	@Test
	void frozenStandbyIsSkippedByReadsWithinTheTimeoutsAndUsedAgainWhenItThaws() throws Exception {
		PostgresNode frozen = this.cluster.standbys().get(0);
		PostgresNode other = this.cluster.standbys().get(1);
		try (ClientLoad load = startLoad()) {
			this.cluster.pause(frozen);
			long readsOnFrozen;
			try {
				Thread.sleep(SETTLE.toMillis());
				readsOnFrozen = load.readsOn(frozen.port());
				ClientLoad.Counts whileFrozen = countOver(load, Duration.ofSeconds(3));
				assertThat(whileFrozen.readsFailed()).isZero();
				assertThat(whileFrozen.readsSucceeded()).isPositive();
				assertThat(load.readsOn(frozen.port())).isEqualTo(readsOnFrozen);
				assertThat(load.readsOn(other.port())).isPositive();
				assertThat(load.slowestCall()).isLessThan(CALL_BOUND);
			}
			finally {
				this.cluster.resume(frozen);
			}
			await().atMost(Duration.ofSeconds(15)).until(() -> load.readsOn(frozen.port()) > readsOnFrozen);
			load.stop(CALL_BOUND);
			assertThat(load.counts().writesFailed()).isZero();
			report("frozen standby", load);
		}
	}

	private ClientLoad startLoad() {
		ClientLoad load = new ClientLoad(this.context, 2, 3);
		load.awaitWrites(20);
		load.awaitReads(20);
		return load;
	}

	private static ClientLoad.Counts countOver(ClientLoad load, Duration duration) throws InterruptedException {
		ClientLoad.Counts before = load.counts();
		Thread.sleep(duration.toMillis());
		return load.counts().since(before);
	}

	private static void assertWritesFailNaming(ClientLoad load, PostgresNode master) {
		assertThat(load.failures().keySet()).filteredOn((failure) -> failure.startsWith("write:"))
			.anySatisfy((failure) -> assertThat(failure)
				.contains("No connection to the master 127.0.0.1:" + master.port() + " of endpoint 'db'"));
	}

	private void awaitMaster(PostgresNode node) {
		RelationRoutingDataSource dataSource = this.context.getBean(RelationRoutingDataSource.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			RoutingTopology.PoolStatus master = dataSource.topology().master();
			return master != null && master.backend().address().endsWith(":" + node.port());
		});
	}

	private static void report(String fault, ClientLoad load) {
		System.out.printf("%s: %s, slowest call %d ms%n", fault, load.counts(), load.slowestCall().toMillis());
		for (Map.Entry<String, Long> failure : load.failures().entrySet()) {
			System.out.printf("  %d x %s%n", failure.getValue(), failure.getKey());
		}
	}

	static void createTable(PostgresNode primary) throws SQLException {
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE item (id bigint PRIMARY KEY)");
			statement.execute("CREATE TABLE note (id bigint PRIMARY KEY, text varchar(255))");
		}
	}

}
