package io.github.pgsqlrelation.routing;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.routing.Relations.connectionString;
import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Routing against a real primary with two streaming standbys.
 */
class RelationRoutingDataSourceTests {

	/** As many read-only transactions at once as the saturated standbys saw. */
	private static final int BURST = 400;

	private static PostgresCluster cluster;

	private final RecordingListener listener = new RecordingListener();

	private RelationRoutingDataSource dataSource;

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = PostgresCluster.builder().standbys(2).start();
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table note (id serial primary key, text varchar(100))");
		}
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeDataSource() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@Test
	void writesLandOnThePrimaryAndReadOnlyTransactionsOnAStandby() {
		Servers servers = routed(RoutingSettings.defaults());
		Servers.Server write = servers.whereWritesRun();
		Servers.Server read = servers.whereReadsRun();
		assertThat(write.inRecovery()).isFalse();
		assertThat(write.port()).isEqualTo(cluster.primary().port());
		assertThat(read.inRecovery()).isTrue();
		assertThat(read.port()).isIn(standbyPorts());
		assertThat(read.readOnly()).isTrue();
		Integer inserted = servers.write((status) -> servers.jdbc().update("insert into note (text) values ('hello')"));
		assertThat(inserted).isEqualTo(1);
	}

	@Test
	void readOnlyTransactionsAreSpreadRoundRobinOverTheStandbys() {
		Servers servers = routed(RoutingSettings.defaults());
		Map<Integer, Long> readsByPort = new TreeMap<>();
		for (int i = 0; i < 10; i++) {
			readsByPort.merge(servers.whereReadsRun().port(), 1L, Long::sum);
		}
		assertThat(readsByPort).containsOnlyKeys(standbyPorts()).containsValues(5L, 5L);
	}

	@Test
	void readOnlyTransactionsUseTheMasterReadOnlyWhenThereIsNoStandby() {
		Servers servers = routed(RoutingSettings.defaults(), snapshot(connectionString(cluster.primary()), List.of()));
		Servers.Server read = servers.whereReadsRun();
		assertThat(read.port()).isEqualTo(cluster.primary().port());
		assertThat(read.inRecovery()).isFalse();
		assertThat(read.readOnly()).isTrue();
		assertThat(this.listener.fallbacks).hasValue(1);
		assertThat(servers.whereWritesRun().readOnly()).isFalse();
	}

	@Test
	void busyStandbysMakeReadsWaitForThemInsteadOfUsingTheMaster() throws Exception {
		Map<Integer, Long> readsByPort = burstOfReads(RoutingSettings.defaults());
		System.out.printf("Busy standbys, wait: reads by port %s%n", readsByPort);
		assertThat(readsByPort).containsOnlyKeys(standbyPorts());
		assertThat(readsByPort.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(BURST);
		assertThat(this.listener.fallbacks).hasValue(0);
		assertThat(this.listener.skips).hasValue(0);
		assertThat(this.dataSource.topology().standbys()).allMatch(RoutingTopology.PoolStatus::available);
	}

	@Test
	void busyStandbysSpillOverToTheMasterCountedApartFromFailuresWhenSetToUseTheMaster() throws Exception {
		Map<Integer, Long> readsByPort = burstOfReads(
				RoutingSettings.defaults().withBusyStandbys(RoutingSettings.BusyStandbys.USE_MASTER));
		System.out.printf("Busy standbys, use-master: reads by port %s, %s fell back%n", readsByPort,
				this.listener.fallbacksByReason);
		assertThat(readsByPort).containsKey(cluster.primary().port());
		assertThat(this.listener.fallbacksByReason).containsOnlyKeys(ReadFallbackReason.STANDBYS_BUSY);
		assertThat(this.listener.fallbacksByReason.get(ReadFallbackReason.STANDBYS_BUSY))
			.hasValue(readsByPort.get(cluster.primary().port()).intValue());
		assertThat(this.listener.skips).hasValue(0);
		assertThat(this.dataSource.topology().standbys()).allMatch(RoutingTopology.PoolStatus::available);
	}

	@Test
	void aReadWaitsForABusyStandbyNoLongerThanThePoolsConnectionTimeout() throws Exception {
		HikariConfig template = Relations.poolTemplate();
		template.setMaximumPoolSize(1);
		template.setConnectionTimeout(1500);
		this.dataSource = new RelationRoutingDataSource(template,
				RoutingSettings.defaults().withStandbyConnectionTimeout(Duration.ofMillis(250)), "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource,
				snapshot(connectionString(cluster.primary()), List.of(connectionString(cluster.standbys().get(0)))));
		Servers servers = new Servers(this.dataSource);
		servers.read((status) -> {
			// Takes the standby's only connection
			Servers.Server held = servers.here();
			Throwable failure = CompletableFuture.supplyAsync(() -> {
				long start = System.nanoTime();
				Throwable thrown = catchThrowable(servers::whereReadsRun);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
						Duration.ofMillis(3000));
				return thrown;
			}).join();
			assertThat(causeOfType(failure, SQLException.class).getMessage()).isEqualTo(
					"No standby connection for a read-only transaction on endpoint 'db' within 1500ms (the pool's "
							+ "connection-timeout): the standby is busy (every connection in use, or none made yet)");
			assertThat(servers.here().pid()).isEqualTo(held.pid());
			return null;
		});
		assertThat(this.listener.fallbacks).hasValue(0);
	}

	@Test
	void readOnlyTransactionsFailClearlyWithoutStandbyWhenFallbackIsOff() {
		Servers servers = routed(RoutingSettings.defaults().withReadFallbackToMaster(false),
				snapshot(connectionString(cluster.primary()), List.of()));
		Throwable failure = catchThrowable(servers::whereReadsRun);
		assertThat(causeOfType(failure, SQLException.class).getMessage())
			.isEqualTo("No standby can serve a read-only transaction "
					+ "on endpoint 'db' (the relation has no standby) and read fallback to the master is off");
		assertThat(servers.whereWritesRun().port()).isEqualTo(cluster.primary().port());
	}

	@Test
	void writesFailAtOnceNamingTheStateFileProblem() {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(), "db");
		this.dataSource
			.relationChanged(RelationSnapshot.empty("db", Readiness.noRelation("state file /x does not exist")));
		long start = System.nanoTime();
		assertThatExceptionOfType(RelationNotReadyException.class).isThrownBy(() -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.createStatement();
			}
		}).withMessage("No master for endpoint 'db': the endpoint has no relation: state file /x does not exist");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
		Throwable readFailure = catchThrowable(new Servers(this.dataSource)::whereReadsRun);
		assertThat(causeOfType(readFailure, RelationNotReadyException.class).getMessage())
			.isEqualTo("No standby and no master for endpoint 'db': the endpoint has no relation: "
					+ "state file /x does not exist");
	}

	@Test
	void writesFailAtOnceBeforeAnySnapshotSayingSo() {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(), "db");
		assertThatExceptionOfType(RelationNotReadyException.class).isThrownBy(() -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.createStatement();
			}
		}).withMessage("No master for endpoint 'db': no relation data has been received yet");
	}

	@Test
	void writesFailAtOnceNamingWhyTheRelationIsNotReady() {
		RelationSnapshot notReady = new RelationSnapshot("db", Relations.RELATION, null, List.of(), "app", null,
				Readiness.notReady("the server has not yet granted access to egress subnet 10.0.0.7/32"));
		Servers servers = routed(RoutingSettings.defaults(), notReady);
		Throwable failure = catchThrowable(servers::whereWritesRun);
		assertThat(causeOfType(failure, RelationNotReadyException.class).getMessage())
			.isEqualTo("No master for endpoint 'db': relation db:7 (postgresql) is not ready: the server has not "
					+ "yet granted access to egress subnet 10.0.0.7/32");
		assertThat(this.dataSource.topology().noMasterReason()).startsWith("relation db:7 (postgresql) is not ready");
	}

	@Test
	void writesFailWhenTheMasterIsGoneWithTheReason() {
		Servers servers = routed(RoutingSettings.defaults());
		this.dataSource.relationChanged(snapshot(null, List.of()));
		Throwable failure = catchThrowable(servers::whereWritesRun);
		assertThat(causeOfType(failure, RelationNotReadyException.class).getMessage())
			.isEqualTo("No master for endpoint 'db': the master of relation db:7 (postgresql) is gone");
	}

	@Test
	void writesToAMasterThatIsDownFailWithinThePoolsConnectionTimeout() throws IOException {
		ConnectionString nowhere = connectionString(cluster.primary()).with(Map.of("port", String.valueOf(freePort())));
		Servers servers = routed(RoutingSettings.defaults(), snapshot(nowhere, List.of()));
		long start = System.nanoTime();
		Throwable failure = catchThrowable(servers::whereWritesRun);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(causeOfType(failure, SQLException.class).getMessage()).contains("pgsql-relation-db-master");
		assertThat(elapsed).isBetween(Duration.ofMillis(1500), Duration.ofMillis(4000));
	}

	@Test
	void aMasterTheDriverCannotReachIsNoMasterAndWritesSayWhy() {
		ConnectionString socket = ConnectionString
			.parse("dbname=app host=/var/run/postgresql user=relation-7 " + "password=s3cret");
		Servers servers = routed(RoutingSettings.defaults(), snapshot(socket, List.of()));
		Throwable failure = catchThrowable(servers::whereWritesRun);
		assertThat(causeOfType(failure, RelationNotReadyException.class).getMessage())
			.startsWith("No master for endpoint 'db': its connection string ")
			.contains("password=******", "is a Unix-domain socket")
			.doesNotContain("s3cret");
	}

	@Test
	void theSameSnapshotAgainMakesTheStandbyPoolThatCouldNotBeMadeTheFirstTime() {
		AtomicBoolean refused = new AtomicBoolean();
		PoolCustomizer refusesOnce = (backend, config) -> {
			if (backend.role() == Backend.Role.STANDBY && refused.compareAndSet(false, true)) {
				throw new IllegalStateException("not this time");
			}
		};
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(), "db",
				this.listener, refusesOnce);
		RelationSnapshot snapshot = snapshot(connectionString(cluster.primary()),
				List.of(connectionString(cluster.standbys().get(0))));
		publish(this.dataSource, snapshot);
		assertThat(this.dataSource.topology().standbys()).isEmpty();
		publish(this.dataSource, snapshot);
		assertThat(this.dataSource.topology().standbys()).hasSize(1);
		assertThat(new Servers(this.dataSource).whereReadsRun().port()).isEqualTo(cluster.standbys().get(0).port());
	}

	@Test
	void theSameSnapshotAgainMakesThePoolThatCouldNotBeMadeTheFirstTime() {
		AtomicBoolean refused = new AtomicBoolean();
		PoolCustomizer refusesOnce = (backend, config) -> {
			if (backend.role() == Backend.Role.MASTER && refused.compareAndSet(false, true)) {
				throw new IllegalStateException("not this time");
			}
		};
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(), "db",
				this.listener, refusesOnce);
		RelationSnapshot snapshot = snapshot(connectionString(cluster.primary()), List.of());
		publish(this.dataSource, snapshot);
		assertThat(this.dataSource.topology().master()).isNull();
		publish(this.dataSource, snapshot);
		assertThat(this.dataSource.topology().master()).isNotNull();
		assertThat(new Servers(this.dataSource).whereWritesRun().port()).isEqualTo(cluster.primary().port());
	}

	@Test
	void eventsOfAnotherEndpointAreIgnored() {
		routed(RoutingSettings.defaults(), snapshot(null, List.of()));
		RelationSnapshot other = new RelationSnapshot("other-db", null, connectionString(cluster.primary()), List.of(),
				null, null, Readiness.READY);
		publish(this.dataSource, other);
		assertThat(this.dataSource.topology().master()).isNull();
		assertThat(this.listener.createdNames).isEmpty();
	}

	@Test
	void poolsAreNamedAfterTheirRoleWithoutPasswords() {
		routed(RoutingSettings.defaults());
		RoutingTopology topology = this.dataSource.topology();
		assertThat(topology.master().backend().name()).isEqualTo("pgsql-relation-db-master");
		assertThat(topology.standbys()).extracting((status) -> status.backend().name())
			.containsExactlyElementsOf(cluster.standbys()
				.stream()
				.map((node) -> "pgsql-relation-db-standby-127.0.0.1-" + node.port())
				.toList());
		assertThat(topology.master().backend().connectionString()).doesNotContain(cluster.password())
			.contains("password=******");
		assertThat(topology.toString()).doesNotContain(cluster.password());
	}

	@Test
	void incrementalRefreshKeepsThePoolsAndConnectionsOfUnchangedStandbys() {
		Servers servers = routed(RoutingSettings.defaults());
		Map<String, HikariDataSource> before = Map.copyOf(this.listener.created);
		PostgresNode[] keptStandby = new PostgresNode[1];
		servers.read((status) -> {
			Servers.Server held = servers.here();
			PostgresNode kept = standbyOn(held.port());
			keptStandby[0] = kept;
			PostgresNode removed = cluster.standbys().stream().filter((node) -> node != kept).findFirst().orElseThrow();
			publish(this.dataSource, snapshot(connectionString(cluster.primary()), List.of(connectionString(kept))));
			assertThat(servers.here().pid()).isEqualTo(held.pid());
			assertThat(this.listener.retired).containsExactly(standbyName(removed));
			return null;
		});
		publish(this.dataSource, snapshot(cluster));
		assertThat(this.listener.createdNames).hasSize(before.size() + 1);
		RoutingTopology topology = this.dataSource.topology();
		assertThat(topology.standbys()).hasSize(2);
		String keptName = standbyName(keptStandby[0]);
		assertThat(topology.standbys()).extracting((standby) -> standby.backend().name()).contains(keptName);
		assertThat(this.listener.created.get(keptName)).isSameAs(before.get(keptName));
		assertThat(this.listener.created.get("pgsql-relation-db-master"))
			.isSameAs(before.get("pgsql-relation-db-master"));
		awaitClosed(this.listener.retired.get(0), Duration.ofSeconds(5));
		assertThat(servers.whereReadsRun().inRecovery()).isTrue();
	}

	@Test
	void aRetiredMasterPoolFinishesTheTransactionInFlightThenCloses() {
		Servers servers = routed(RoutingSettings.defaults());
		ConnectionString rotated = connectionString(cluster.primary()).with(Map.of("application_name", "rotated"));
		servers.write((status) -> {
			servers.jdbc().update("insert into note (text) values ('in flight')");
			publish(this.dataSource, snapshot(rotated, Relations.standbys(cluster.standbys().stream())));
			assertThat(this.listener.retired).containsExactly("pgsql-relation-db-master");
			servers.jdbc().update("insert into note (text) values ('still in flight')");
			assertThat(this.listener.closed).isEmpty();
			return null;
		});
		assertThat(
				servers.jdbc().queryForObject("select count(*) from note where text like '%in flight'", Integer.class))
			.isEqualTo(2);
		String applicationName = servers.write(
				(status) -> servers.jdbc().queryForObject("select current_setting('application_name')", String.class));
		assertThat(applicationName).isEqualTo("rotated");
		awaitClosed("pgsql-relation-db-master", Duration.ofSeconds(2));
		assertThat(this.dataSource.topology().master().backend().name()).isEqualTo("pgsql-relation-db-master-2");
	}

	@Test
	void aRetiredPoolOpensNoConnectionWhileItsTransactionInFlightFinishes() throws SQLException {
		HikariConfig template = Relations.poolTemplate();
		template.setMinimumIdle(4);
		this.dataSource = new RelationRoutingDataSource(template, RoutingSettings.defaults(), "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource, snapshot(cluster));
		HikariPoolMXBean retiring = this.listener.created.get("pgsql-relation-db-master").getHikariPoolMXBean();
		awaitConnections(retiring, 4);
		ConnectionString rotated = connectionString(cluster.primary()).with(Map.of("application_name", "rotated"));
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().execute("insert into note (text) values ('held while its pool retires')");
			publish(this.dataSource, snapshot(rotated, List.of()));
			awaitConnections(retiring, 1);
			long end = System.nanoTime() + Duration.ofMillis(500).toNanos();
			while (System.nanoTime() < end) {
				assertThat(retiring.getTotalConnections()).as("connections of the retired pool").isEqualTo(1);
				sleep(10);
			}
			connection.commit();
		}
		awaitClosed("pgsql-relation-db-master", Duration.ofSeconds(2));
	}

	private static void awaitConnections(HikariPoolMXBean pool, int expected) {
		long start = System.nanoTime();
		while (pool.getTotalConnections() != expected) {
			assertThat(Duration.ofNanos(System.nanoTime() - start))
				.as("time until the pool has %d connections", expected)
				.isLessThan(Duration.ofSeconds(5));
			sleep(5);
		}
	}

	@Test
	void aRetiredPoolIsClosedAtTheRetireTimeoutWhenATransactionOutlivesIt() throws SQLException {
		Servers servers = routed(RoutingSettings.defaults().withRetireTimeout(Duration.ofSeconds(1)));
		ConnectionString rotated = connectionString(cluster.primary()).with(Map.of("application_name", "rotated"));
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().execute("insert into note (text) values ('too slow')");
			long start = System.nanoTime();
			publish(this.dataSource, snapshot(rotated, List.of()));
			awaitClosed("pgsql-relation-db-master", Duration.ofSeconds(5));
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
			assertThat(catchThrowable(() -> connection.createStatement().execute("select 1")))
				.isInstanceOf(SQLException.class);
		}
		assertThat(servers.whereWritesRun().port()).isEqualTo(cluster.primary().port());
	}

	@Test
	void aStoppedStandbyIsSkippedQuicklyAndUsedAgainWhenItIsBack() {
		RoutingSettings settings = RoutingSettings.defaults().withStandbyRetryInterval(Duration.ofMillis(500));
		Servers servers = routed(settings);
		PostgresNode stopped = cluster.standbys().get(1);
		PostgresNode running = cluster.standbys().get(0);
		for (int i = 0; i < 4; i++) {
			servers.whereReadsRun();
		}
		cluster.stop(stopped);
		// HikariCP hands out a connection used within the last 500 ms without checking
		// it: the stop above killed those, so a read right now would fail on one,
		// whatever the routing.
		sleep(600);
		try {
			long[] millis = new long[20];
			for (int i = 0; i < millis.length; i++) {
				long start = System.nanoTime();
				assertThat(servers.whereReadsRun().port()).isEqualTo(running.port());
				millis[i] = Duration.ofNanos(System.nanoTime() - start).toMillis();
			}
			long worst = java.util.Arrays.stream(millis).max().orElseThrow();
			long afterFirstDiscovery = java.util.Arrays.stream(millis).skip(2).sum();
			System.out.printf("Dead standby: worst read %d ms (discovery), 18 reads after it %d ms in all%n", worst,
					afterFirstDiscovery);
			assertThat(worst).isLessThan(settings.standbyConnectionTimeout().toMillis() + 1000);
			assertThat(afterFirstDiscovery).isLessThan(500);
			assertThat(this.dataSource.topology().standbys()).extracting(RoutingTopology.PoolStatus::available)
				.containsExactly(true, false);
		}
		finally {
			cluster.start(stopped);
		}
		long start = System.nanoTime();
		while (!this.dataSource.topology().standbys().get(1).available()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			sleep(50);
		}
		assertThat(readPorts(servers, 4)).containsOnlyKeys(standbyPorts());
	}

	@Test
	void closeClosesEveryPoolAndIsIdempotent() {
		Servers servers = routed(RoutingSettings.defaults());
		servers.whereReadsRun();
		servers.whereWritesRun();
		this.dataSource.close();
		this.dataSource.close();
		assertThat(this.listener.created.values()).allMatch(HikariDataSource::isClosed);
		assertThat(this.listener.closed).hasSize(3);
		Throwable failure = catchThrowable(servers::whereWritesRun);
		assertThat(causeOfType(failure, RelationNotReadyException.class).getMessage()).contains("closed");
	}

	@Test
	void thousandsOfStandbyChangesLeaveNoThreadAndNoServerConnectionBehind() throws SQLException {
		Set<String> threadsBefore = routingThreads();
		Map<Integer, Integer> connectionsBefore = serverConnections();
		Servers servers = routed(RoutingSettings.defaults());
		RelationSnapshot both = snapshot(cluster);
		RelationSnapshot one = snapshot(connectionString(cluster.primary()),
				List.of(connectionString(cluster.standbys().get(0))));
		int changes = 2000;
		long refreshing = 0;
		for (int i = 0; i < changes; i++) {
			long start = System.nanoTime();
			this.dataSource.relationChanged((i % 2 == 0) ? one : both);
			refreshing += System.nanoTime() - start;
			if (i % 20 == 1) {
				assertThat(servers.whereReadsRun().inRecovery()).isTrue();
			}
		}
		Duration elapsed = Duration.ofNanos(refreshing);
		int peakThreads = routingThreads().size();
		this.dataSource.close();
		System.out.printf(
				"Refresh: %d standby changes took %d ms (%.2f ms each), %d routing threads at the end, "
						+ "%d pools created%n",
				changes, elapsed.toMillis(), elapsed.toNanos() / 1e6 / changes, peakThreads,
				this.listener.createdNames.size());
		assertThat(this.listener.createdNames).hasSize(3 + changes / 2);
		assertThat(this.listener.closed).hasSameSizeAs(this.listener.createdNames);
		long waitStart = System.nanoTime();
		while (!routingThreads().equals(threadsBefore) || !serverConnections().equals(connectionsBefore)) {
			assertThat(Duration.ofNanos(System.nanoTime() - waitStart))
				.as("threads %s, server connections %s", routingThreads(), serverConnections())
				.isLessThan(Duration.ofSeconds(10));
			sleep(100);
		}
	}

	@Test
	void transactionsInFlightNeverFailWhilePoolsAreReplaced() throws Exception {
		Servers servers = routed(RoutingSettings.defaults());
		RelationSnapshot both = snapshot(cluster);
		RelationSnapshot one = snapshot(connectionString(cluster.primary()),
				List.of(connectionString(cluster.standbys().get(1))));
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger transactions = new AtomicInteger();
		ExecutorService clients = Executors.newFixedThreadPool(4);
		List<Future<?>> results = new ArrayList<>();
		for (int client = 0; client < 4; client++) {
			boolean writer = client % 2 == 0;
			results.add(clients.submit(() -> {
				while (running.get()) {
					if (writer) {
						servers.write((status) -> servers.jdbc().update("insert into note (text) values ('busy')"));
					}
					else {
						assertThat(servers.whereReadsRun().inRecovery()).isTrue();
					}
					transactions.incrementAndGet();
				}
				return null;
			}));
		}
		try {
			for (int i = 0; i < 40; i++) {
				ConnectionString master = connectionString(cluster.primary())
					.with(Map.of("application_name", "generation-" + (i % 3)));
				RelationSnapshot standbys = (i % 2 == 0) ? one : both;
				publish(this.dataSource, snapshot(master, standbys.standbys()));
				sleep(50);
			}
		}
		finally {
			running.set(false);
			clients.shutdown();
		}
		for (Future<?> result : results) {
			result.get(10, TimeUnit.SECONDS);
		}
		System.out.printf("Under load: %d transactions, none failed, while 40 refreshes retired %d pools%n",
				transactions.get(), this.listener.retired.size());
		assertThat(transactions.get()).isGreaterThan(40);
		assertThat(this.listener.retired).hasSizeGreaterThan(40);
	}

	/**
	 * Runs {@link #BURST} read-only transactions at once over the two standbys, pools of
	 * 4, each holding its connection 20 ms, and counts them by the port they ran on.
	 */
	private Map<Integer, Long> burstOfReads(RoutingSettings settings) throws Exception {
		HikariConfig template = Relations.poolTemplate();
		// A read in the burst waits for up to BURST / 8 others: the pool's own timeout
		// must not end it on a busy machine.
		template.setConnectionTimeout(Duration.ofSeconds(60).toMillis());
		this.dataSource = new RelationRoutingDataSource(template,
				settings.withStandbyConnectionTimeout(Duration.ofMillis(250)), "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource, snapshot(cluster));
		Servers servers = new Servers(this.dataSource);
		ExecutorService clients = Executors.newFixedThreadPool(BURST);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> ports = new ArrayList<>();
			for (int i = 0; i < BURST; i++) {
				ports.add(clients.submit(() -> {
					start.await();
					return servers.read((status) -> {
						servers.jdbc().execute("select pg_sleep(0.02)");
						return servers.here().port();
					});
				}));
			}
			start.countDown();
			Map<Integer, Long> readsByPort = new TreeMap<>();
			for (Future<Integer> port : ports) {
				readsByPort.merge(port.get(2, TimeUnit.MINUTES), 1L, Long::sum);
			}
			return readsByPort;
		}
		finally {
			clients.shutdownNow();
		}
	}

	/** Threads of this endpoint's pools and of the routing itself. */
	private static Set<String> routingThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("pgsql-relation-db"))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/**
	 * Backends of the relation user on every node, by port, not counting the one asking.
	 */
	private static Map<Integer, Integer> serverConnections() throws SQLException {
		Map<Integer, Integer> result = new TreeMap<>();
		for (PostgresNode node : cluster.nodes()) {
			try (Connection connection = node.connect();
					Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("select count(*) from pg_stat_activity "
							+ "where usename = current_user and pid <> pg_backend_pid()")) {
				rows.next();
				result.put(node.port(), rows.getInt(1));
			}
		}
		return result;
	}

	private Servers routed(RoutingSettings settings) {
		return routed(settings, snapshot(cluster));
	}

	private Servers routed(RoutingSettings settings, RelationSnapshot snapshot) {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), settings, "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource, snapshot);
		return new Servers(this.dataSource);
	}

	private void awaitClosed(String poolName, Duration timeout) {
		long start = System.nanoTime();
		while (!this.listener.closed.contains(poolName)) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time until %s closes", poolName)
				.isLessThan(timeout);
			sleep(20);
		}
		assertThat(this.listener.created.get(poolName).isClosed()).isTrue();
	}

	private static Map<Integer, Long> readPorts(Servers servers, int reads) {
		return java.util.stream.IntStream.range(0, reads)
			.mapToObj((i) -> servers.whereReadsRun().port())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private static List<Integer> standbyPorts() {
		return cluster.standbys().stream().map(PostgresNode::port).toList();
	}

	private static PostgresNode standbyOn(int port) {
		return cluster.standbys().stream().filter((node) -> node.port() == port).findFirst().orElseThrow();
	}

	private static String standbyName(PostgresNode node) {
		return "pgsql-relation-db-standby-127.0.0.1-" + node.port();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in the causes of " + failure, failure);
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
