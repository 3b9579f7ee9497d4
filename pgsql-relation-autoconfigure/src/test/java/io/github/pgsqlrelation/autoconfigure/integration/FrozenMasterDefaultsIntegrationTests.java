package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a frozen master (SIGSTOP: its port accepts connections, nothing answers) does to
 * transactions when the application sets no timeout of its own: HikariCP's
 * {@code connectionTimeout} (30 s) bounds new transactions, nothing bounds a statement in
 * flight (pgjdbc's {@code socketTimeout} is 0) until the server thaws or the relation
 * moves the master elsewhere, which retires the pool and aborts its connections after the
 * retire timeout.
 */
class FrozenMasterDefaultsIntegrationTests {

	@TempDir
	Path directory;

	private PostgresCluster cluster;

	private Path stateFile;

	private ConfigurableApplicationContext context;

	private JdbcTemplate jdbc;

	private TransactionTemplate writes;

	@BeforeEach
	void start() throws SQLException {
		this.cluster = PostgresCluster.start(1);
		FaultsUnderLoadIntegrationTests.createTable(this.cluster.primary());
		this.stateFile = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(this.stateFile, this.cluster);
	}

	private void startApplication(String... properties) {
		this.context = IntegrationApplication.run(this.stateFile, properties);
		this.jdbc = this.context.getBean(JdbcTemplate.class);
		this.writes = new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));
		write(0);
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.cluster.close();
	}

	@Test
	void transactionsWaitForAFrozenMasterAndCompleteWhenItThaws() throws Exception {
		startApplication("test.transaction-manager=jdbc");
		PostgresNode master = this.cluster.primary();
		CountDownLatch paused = new CountDownLatch(1);
		CompletableFuture<Void> inFlight = inFlightWrite(1, paused);
		this.cluster.pause(master);
		CompletableFuture<Void> next;
		try {
			paused.countDown();
			next = CompletableFuture.runAsync(() -> write(2));
			Thread.sleep(3000);
			assertThat(inFlight).isNotDone();
			assertThat(next).isNotDone();
		}
		finally {
			this.cluster.resume(master);
		}
		inFlight.get(10, TimeUnit.SECONDS);
		next.get(10, TimeUnit.SECONDS);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM item", Long.class)).isEqualTo(3);
	}

	@Test
	@Tag("soak")
	void newTransactionsFailAfterTheConnectionTimeoutWhileOneInFlightWaitsUntilTheRelationMovesOn() throws Exception {
		startApplication("test.transaction-manager=jdbc");
		PostgresNode master = this.cluster.primary();
		CountDownLatch paused = new CountDownLatch(1);
		CompletableFuture<Void> inFlight = inFlightWrite(1, paused);
		this.cluster.pause(master);
		long frozenAt = System.nanoTime();
		paused.countDown();
		CompletableFuture<Void> next = CompletableFuture.runAsync(() -> write(2));
		await().atMost(Duration.ofSeconds(60)).until(next::isDone);
		Duration newFailedAfter = Duration.ofNanos(System.nanoTime() - frozenAt);
		assertThat(next).isCompletedExceptionally();
		assertThat(newFailedAfter).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(45));
		Thread.sleep(30_000);
		assertThat(inFlight).isNotDone();
		PostgresNode promoted = this.cluster.standbys().get(0);
		this.cluster.promote(promoted);
		RelationStateFiles.writeResolved(this.stateFile, this.cluster);
		long movedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(inFlight::isDone);
		Duration abortedAfter = Duration.ofNanos(System.nanoTime() - movedAt);
		assertThat(inFlight).isCompletedExceptionally();
		// The retire timeout is 10 s
		assertThat(abortedAfter).isLessThan(Duration.ofSeconds(15));
		System.out.printf(
				"Frozen master, default settings: a new transaction failed after %d ms; one in flight was still"
						+ " waiting after %d s and was aborted %d ms after the relation named a new master%n",
				newFailedAfter.toMillis(), Duration.ofNanos(movedAt - frozenAt).toSeconds(), abortedAfter.toMillis());
		write(3);
		this.cluster.resume(master);
	}

	@Test
	void aTransactionHeldByAFrozenMasterFailsOnceTheRelationMovedTheMasterAndTheRetireTimeoutPassed() throws Exception {
		long housekeepersBefore = TopologySoak.housekeeperThreads();
		startApplication("test.transaction-manager=jdbc", "pgsql.relation.routing.retire-timeout=1s");
		PostgresNode master = this.cluster.primary();
		CountDownLatch paused = new CountDownLatch(1);
		CompletableFuture<Void> inFlight = inFlightWrite(1, paused);
		this.cluster.pause(master);
		try {
			paused.countDown();
			PostgresNode promoted = this.cluster.standbys().get(0);
			this.cluster.promote(promoted);
			RelationStateFiles.writeResolved(this.stateFile, this.cluster);
			long movedAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).until(inFlight::isDone);
			assertThat(inFlight).isCompletedExceptionally();
			assertThat(Duration.ofNanos(System.nanoTime() - movedAt)).isLessThan(Duration.ofSeconds(4));
			write(2);
			// Closing the application while the retired pool still closes leaves none of
			// HikariCP's threads behind. HikariCP's shutdown interrupts its housekeeper
			// without waiting for it, so the thread may take a moment to end.
			this.context.close();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(TopologySoak.housekeeperThreads()).isEqualTo(housekeepersBefore));
		}
		finally {
			this.cluster.resume(master);
		}
	}

	private CompletableFuture<Void> inFlightWrite(long id, CountDownLatch paused) {
		CountDownLatch begun = new CountDownLatch(1);
		CompletableFuture<Void> inFlight = CompletableFuture
			.runAsync(() -> this.writes.executeWithoutResult((status) -> {
				this.jdbc.update("INSERT INTO item (id) VALUES (?)", id);
				begun.countDown();
				awaitLatch(paused);
				this.jdbc.queryForObject("SELECT 1", Integer.class);
			}));
		awaitLatch(begun);
		return inFlight;
	}

	private void write(long id) {
		this.writes.executeWithoutResult((status) -> this.jdbc.update("INSERT INTO item (id) VALUES (?)", id));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
