package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * Switchover and failover under load, through the state file, against a real primary and
 * two streaming standbys.
 */
class FailoverIntegrationTests {

	@TempDir
	Path directory;

	private PostgresCluster cluster;

	private Path stateFile;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() throws SQLException {
		this.cluster = PostgresCluster.start(2);
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE item (id bigint PRIMARY KEY)");
			statement.execute("CREATE TABLE note (id bigint PRIMARY KEY, text varchar(255))");
		}
		this.stateFile = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeRaw(this.stateFile, this.cluster);
		this.context = IntegrationApplication.run(this.stateFile);
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.cluster.close();
	}

	@Test
	void plannedSwitchoverUnderLoadLosesNoCommittedWrite() throws Exception {
		BackendService service = this.context.getBean(BackendService.class);
		RecordingRoutingListener listener = this.context.getBean(RecordingRoutingListener.class);
		PostgresNode oldPrimary = this.cluster.primary();
		PostgresNode newPrimary = this.cluster.standbys().get(0);
		try (Load load = new Load(service)) {
			load.awaitWrites(50);
			this.cluster.switchover(newPrimary);
			RelationStateFiles.writeRaw(this.stateFile, this.cluster);
			awaitMaster(newPrimary);
			int failuresAtRewrite = load.failures.get();
			load.awaitWrites(load.committed.size() + 100);
			// Once the relation says where the new master is, no write fails.
			assertThat(load.failures.get()).isEqualTo(failuresAtRewrite);
			load.stop();
			assertThat(load.readFailures.get()).isZero();
			assertThat(committedIdsOn(newPrimary)).containsAll(load.committed);
			assertThat(service.writeWithJdbc(-1)).isEqualTo(new Backend(newPrimary.port(), false));
		}
		assertThat(listener.drained()).hasEntrySatisfying(poolNameOf(oldPrimary),
				(took) -> assertThat(took).isLessThan(Duration.ofSeconds(10)));
	}

	@Test
	void unplannedFailoverResumesWritesBeforeTheRelationCatchesUp() throws Exception {
		BackendService service = this.context.getBean(BackendService.class);
		assertThat(service.writeWithJdbc(1).port()).isEqualTo(this.cluster.primary().port());
		PostgresNode promoted = this.cluster.standbys().get(0);
		this.cluster.kill(this.cluster.primary());
		this.cluster.promote(promoted);
		// The state file still names the dead primary: the driver finds the promoted
		// standby.
		long started = System.nanoTime();
		AtomicLong id = new AtomicLong(100);
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.until(() -> service.writeWithJdbc(id.incrementAndGet()).port() == promoted.port());
		System.out.printf("Writes resumed %d ms after the promotion, with a stale state file%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		PostgresNode remaining = this.cluster.standbys().get(0);
		this.cluster.follow(remaining);
		RelationStateFiles.writeRaw(this.stateFile, this.cluster);
		awaitMaster(promoted);
		RoutingTopology topology = this.context.getBean(RelationRoutingDataSource.class).topology();
		assertThat(topology.standbys()).singleElement()
			.satisfies((standby) -> assertThat(standby.backend().address()).endsWith(":" + remaining.port()));
		assertThat(service.readWithJdbc()).isEqualTo(new Backend(remaining.port(), true));
	}

	private void awaitMaster(PostgresNode node) {
		RelationRoutingDataSource dataSource = this.context.getBean(RelationRoutingDataSource.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			RoutingTopology.PoolStatus master = dataSource.topology().master();
			return master != null && master.backend().address().endsWith(":" + node.port());
		});
	}

	private String poolNameOf(PostgresNode node) {
		return "pgsql-relation-db-master";
	}

	private Set<Long> committedIdsOn(PostgresNode node) throws SQLException {
		Set<Long> ids = ConcurrentHashMap.newKeySet();
		try (Connection connection = node.connect();
				PreparedStatement statement = connection.prepareStatement("SELECT id FROM item");
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
		}
		return ids;
	}

	/** Writers and a reader hammering the service until stopped. */
	private static final class Load implements AutoCloseable {

		private final Set<Long> committed = ConcurrentHashMap.newKeySet();

		private final AtomicInteger failures = new AtomicInteger();

		private final AtomicInteger readFailures = new AtomicInteger();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong ids = new AtomicLong();

		private final ExecutorService executor = Executors.newFixedThreadPool(3);

		private final List<Future<?>> workers;

		Load(BackendService service) {
			this.workers = List.of(this.executor.submit(() -> write(service)),
					this.executor.submit(() -> write(service)), this.executor.submit(() -> read(service)));
		}

		private void write(BackendService service) {
			while (this.running.get()) {
				long id = this.ids.incrementAndGet();
				try {
					service.writeWithJdbc(id);
					this.committed.add(id);
				}
				catch (RuntimeException ex) {
					this.failures.incrementAndGet();
				}
			}
		}

		private void read(BackendService service) {
			while (this.running.get()) {
				try {
					service.countItems();
				}
				catch (RuntimeException ex) {
					this.readFailures.incrementAndGet();
				}
			}
		}

		void awaitWrites(int count) {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.committed.size() >= count);
		}

		void stop() throws Exception {
			this.running.set(false);
			for (Future<?> worker : this.workers) {
				worker.get(30, TimeUnit.SECONDS);
			}
		}

		@Override
		public void close() throws Exception {
			stop();
			this.executor.shutdownNow();
		}

	}

}
