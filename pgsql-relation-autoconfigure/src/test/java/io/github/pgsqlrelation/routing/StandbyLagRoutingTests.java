package io.github.pgsqlrelation.routing;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static io.github.pgsqlrelation.routing.DelayedStandbys.delay;
import static io.github.pgsqlrelation.routing.Relations.connectionString;
import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Lag-aware routing against a real primary with two streaming standbys, one of them
 * delayed with {@code recovery_min_apply_delay} while the master takes writes.
 */
class StandbyLagRoutingTests {

	private static final Duration MAX_LAG = Duration.ofSeconds(1);

	private static final RoutingSettings LAG_AWARE = RoutingSettings.defaults()
		.withMaxStandbyLag(MAX_LAG)
		.withStandbyLagProbeInterval(Duration.ofMillis(200));

	private static final Duration AWAIT = Duration.ofSeconds(20);

	private static PostgresCluster cluster;

	private final RecordingListener listener = new RecordingListener();

	private RelationRoutingDataSource dataSource;

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = DelayedStandbys.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeDataSourceAndUndelay() throws SQLException {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		DelayedStandbys.undelayAll(cluster);
	}

	@Test
	void aStandbyDelayedBeyondTheLimitGetsNoReadsWhileWritesContinueAndGetsThemAgainOnceCaughtUp() throws Exception {
		Servers servers = routed(LAG_AWARE, snapshot(cluster));
		PostgresNode prompt = cluster.standbys().get(0);
		PostgresNode delayed = cluster.standbys().get(1);
		try (Writer writer = new Writer(servers)) {
			delay(delayed, "3s");
			awaitLagging(delayed, true);
			assertThat(status(delayed).lag()).isGreaterThan(MAX_LAG);
			assertThat(status(prompt).lagging()).isFalse();
			assertThat(readPorts(servers, 40)).containsOnlyKeys(prompt.port());
			assertThat(this.listener.lagSkips.get(status(delayed).backend().name())).hasPositiveValue();
			assertThat(this.listener.fallbacks).hasValue(0);
			int writesWhileDelayed = writer.writes();

			delay(delayed, null);
			awaitLagging(delayed, false);
			assertThat(status(delayed).lag()).isLessThanOrEqualTo(MAX_LAG);
			assertThat(readPorts(servers, 40)).containsOnlyKeys(prompt.port(), delayed.port());
			assertThat(writer.writes()).isGreaterThan(writesWhileDelayed);
			writer.assertNoFailure();
		}
	}

	@Test
	void aConnectionKeptAcrossTransactionsLeavesALaggingStandbyAtTheNextTransactionButNotDuringOne() throws Exception {
		Servers servers = routed(LAG_AWARE, snapshot(cluster));
		try (Connection handle = this.dataSource.getConnection(); Writer writer = new Writer(servers)) {
			handle.setReadOnly(true);
			handle.setAutoCommit(false);
			int first = port(handle);
			handle.commit();
			PostgresNode held = cluster.standbys().stream().filter((node) -> node.port() == first).findFirst().get();
			PostgresNode other = cluster.standbys().stream().filter((node) -> node != held).findFirst().get();
			delay(held, "3s");
			assertThat(port(handle)).isEqualTo(first);
			awaitLagging(held, true);
			assertThat(port(handle)).as("a transaction is not moved").isEqualTo(first);
			handle.commit();
			assertThat(port(handle)).as("the next transaction").isEqualTo(other.port());
			handle.commit();
			writer.assertNoFailure();
		}
	}

	@Test
	void withoutAnAnsweringMasterAStandbyIsJudgedByTheWalItReceived() throws Exception {
		// The relation's master does not answer (a failover, a partition); the real
		// primary
		// keeps taking writes that stream to the standbys.
		ConnectionString nowhere = connectionString(cluster.primary()).with(Map.of("port", String.valueOf(freePort())));
		PostgresNode prompt = cluster.standbys().get(0);
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(LAG_AWARE, snapshot(nowhere, Relations.standbys(cluster.standbys().stream())));
		DriverManagerDataSource primary = new DriverManagerDataSource(cluster.primary().jdbcUrl(), cluster.user(),
				cluster.password());
		try (Writer writer = new Writer(new Servers(primary))) {
			delay(delayed, "3s");
			awaitLagging(delayed, true);
			assertThat(readPorts(servers, 20)).containsOnlyKeys(prompt.port());
			delay(delayed, null);
			awaitLagging(delayed, false);
			assertThat(readPorts(servers, 20)).containsOnlyKeys(prompt.port(), delayed.port());
			writer.assertNoFailure();
		}
	}

	@Test
	void readsFallBackToTheMasterWhenTheOnlyStandbyLags() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(LAG_AWARE,
				snapshot(connectionString(cluster.primary()), List.of(connectionString(delayed))));
		try (Writer writer = new Writer(servers)) {
			delay(delayed, "3s");
			awaitLagging(delayed, true);
			Servers.Server read = servers.whereReadsRun();
			assertThat(read.port()).isEqualTo(cluster.primary().port());
			assertThat(read.readOnly()).isTrue();
			assertThat(this.listener.fallbacksByReason.get(ReadFallbackReason.STANDBYS_LAGGING)).hasPositiveValue();
			writer.assertNoFailure();
		}
	}

	@Test
	void withoutFallbackToTheMasterAReadSaysTheOnlyStandbyLags() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(LAG_AWARE.withReadFallbackToMaster(false),
				snapshot(connectionString(cluster.primary()), List.of(connectionString(delayed))));
		try (Writer writer = new Writer(servers)) {
			delay(delayed, "3s");
			awaitLagging(delayed, true);
			Throwable failure = catchThrowable(servers::whereReadsRun);
			assertThat(failure).rootCause()
				.isInstanceOf(SQLTransientConnectionException.class)
				.hasMessage("No standby can serve a read-only transaction on endpoint 'db' (the standby replays "
						+ "more than max-standby-lag (PT1S) behind the master) and read fallback to the master is off");
			writer.assertNoFailure();
		}
	}

	@Test
	void withoutMaxStandbyLagNothingIsProbedAndADelayedStandbyStillGetsReads() throws Exception {
		Servers servers = routed(RoutingSettings.defaults(), snapshot(cluster));
		PostgresNode delayed = cluster.standbys().get(1);
		try (Writer writer = new Writer(servers)) {
			delay(delayed, "3s");
			Thread.sleep(2000);
			assertThat(readPorts(servers, 40)).containsOnlyKeys(cluster.standbys().get(0).port(), delayed.port());
			writer.assertNoFailure();
		}
		assertThat(this.listener.lagMeasures).hasValue(0);
		assertThat(this.dataSource.topology().standbys()).allSatisfy((standby) -> assertThat(standby.lag()).isNull())
			.noneMatch(RoutingTopology.PoolStatus::lagging);
	}

	@Test
	void anIdleMasterDoesNotMakeACaughtUpStandbyLookLagging() throws Exception {
		Duration maxLag = Duration.ofMillis(300);
		Servers servers = routed(
				LAG_AWARE.withMaxStandbyLag(maxLag).withStandbyLagProbeInterval(Duration.ofMillis(100)),
				snapshot(cluster));
		servers.write((status) -> servers.jdbc().update("insert into note (text) values ('last write')"));
		cluster.awaitReplication();
		Thread.sleep(1500);
		for (PostgresNode standby : cluster.standbys()) {
			// The timestamp alone would say the standby is behind by more than the limit.
			assertThat(secondsSinceLastReplay(standby)).isGreaterThan(maxLag.toMillis() / 1000.0);
			assertThat(status(standby).lag()).isEqualTo(Duration.ZERO);
			assertThat(status(standby).lagging()).isFalse();
		}
		assertThat(this.listener.lagMeasures).hasPositiveValue();
		assertThat(readPorts(servers, 20)).containsOnlyKeys(cluster.standbys().get(0).port(),
				cluster.standbys().get(1).port());
	}

	private Servers routed(RoutingSettings settings, RelationSnapshot snapshot) {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), settings, "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource, snapshot);
		return new Servers(this.dataSource);
	}

	private RoutingTopology.PoolStatus status(PostgresNode standby) {
		return this.dataSource.topology()
			.standbys()
			.stream()
			.filter((status) -> status.backend().address().endsWith(":" + standby.port()))
			.findFirst()
			.orElseThrow();
	}

	private void awaitLagging(PostgresNode standby, boolean lagging) throws InterruptedException {
		long start = System.nanoTime();
		while (status(standby).lagging() != lagging) {
			assertThat(Duration.ofNanos(System.nanoTime() - start))
				.as("time until %s is %s", standby, lagging ? "skipped for lag" : "used again")
				.isLessThan(AWAIT);
			Thread.sleep(50);
		}
	}

	/**
	 * Sets or (with {@code null}) resets the standby's {@code recovery_min_apply_delay}.
	 */

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static int port(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select inet_server_port()")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static double secondsSinceLastReplay(PostgresNode standby) throws SQLException {
		try (Connection connection = standby.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())")) {
			result.next();
			return result.getDouble(1);
		}
	}

	private static Map<Integer, Long> readPorts(Servers servers, int reads) {
		return IntStream.range(0, reads)
			.mapToObj((i) -> servers.whereReadsRun())
			.peek((server) -> assertThat(server.readOnly()).isTrue())
			.collect(Collectors.groupingBy(Servers.Server::port, Collectors.counting()));
	}

	/**
	 * Writes through the routing every 50 ms until closed, as an application keeps doing.
	 */
	private static final class Writer implements AutoCloseable {

		private final ExecutorService executor = Executors.newSingleThreadExecutor();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger writes = new AtomicInteger();

		private final Future<?> task;

		Writer(Servers servers) {
			this.task = this.executor.submit(() -> {
				while (this.running.get()) {
					Servers.Server server = servers.write((status) -> {
						servers.jdbc().update("insert into note (text) values ('while delayed')");
						return servers.here();
					});
					assertThat(server.port()).isEqualTo(cluster.primary().port());
					this.writes.incrementAndGet();
					Thread.sleep(50);
				}
				return null;
			});
		}

		int writes() {
			return this.writes.get();
		}

		void assertNoFailure() throws Exception {
			if (this.task.isDone()) {
				this.task.get();
			}
		}

		@Override
		public void close() throws Exception {
			this.running.set(false);
			this.executor.shutdown();
			assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			this.task.get();
		}

	}

}
