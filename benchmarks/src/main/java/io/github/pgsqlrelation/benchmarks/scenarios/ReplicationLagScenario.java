package io.github.pgsqlrelation.benchmarks.scenarios;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scenario 6, replication lag: a primary and two standbys, one of them replaying 2 s late
 * ({@code recovery_min_apply_delay}), and write-then-read pairs through the starter: a
 * read-write transaction inserts a row, then a read-only one on the same thread looks for
 * it. Measures the share of reads the delayed standby serves, the reads that miss the
 * write just made (stale), and the pairs' throughput, with lag-aware routing and
 * read-your-writes off and on.
 * <p>
 * {@code -Dscenarios.lagPairs} sets the pairs per run (default 10,000).
 */
final class ReplicationLagScenario {

	private static final int THREADS = 4;

	private static final String DELAY = "2s";

	private static final String MAX_STANDBY_LAG = "1s";

	/**
	 * Pairs run, uncounted, on each new application before it is measured (JIT, pools).
	 */
	private static final int WARM_UP = 2000;

	private static final String WRITE = "INSERT INTO probe (v) VALUES (1) RETURNING id";

	private static final String READ = "SELECT inet_server_port(), EXISTS (SELECT 1 FROM probe WHERE id = ?)";

	private final int pairs = pairs();

	private final Report report;

	private final Path directory;

	ReplicationLagScenario(Report report, Path directory) {
		this.report = report;
		this.directory = directory;
	}

	String run() throws Exception {
		this.report.section("6. Replication lag");
		this.report.paragraph("Servers: a primary and 2 standbys, one of them replaying " + DELAY + " late "
				+ "(`recovery_min_apply_delay`). Each run: " + this.pairs + " write-then-read pairs from " + THREADS
				+ " threads through the starter: a read-write `TransactionTemplate` inserts a row (`" + WRITE
				+ "`), then a read-only one on the same thread asks `" + READ + "`; a read that does not find the "
				+ "row is stale. Each run is a fresh application, warmed up with " + WARM_UP + " uncounted pairs; "
				+ "it then also times " + this.pairs + " write transactions alone, for the cost of read-your-writes "
				+ "on the write path. The round-robin baseline runs first and last; throughput ratios are against "
				+ "the mean of the two. Targets: no read on the delayed standby with `max-standby-lag` ("
				+ MAX_STANDBY_LAG
				+ ") below the delay; no stale read with read-your-writes; read-your-writes throughput >= 0.9 of "
				+ "round-robin.");
		this.report.table("routing", "pairs", "reads on the delayed standby", "on the master", "stale reads", "pairs/s",
				"ratio to round-robin", "writes alone/s", "ratio to round-robin");
		Map<String, Run> runs = new LinkedHashMap<>();
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
			StarterApp.createTables(cluster.primary());
			cluster.awaitReplication();
			PostgresNode delayed = cluster.standbys().get(1);
			delay(delayed, DELAY);
			StateFile file = new StateFile(this.directory.resolve("lag.json"));
			file.write(cluster, cluster.primary(), cluster.standbys());
			runs.put("round-robin", run(file, delayed, cluster, Map.of()));
			runs.put("max-standby-lag " + MAX_STANDBY_LAG, run(file, delayed, cluster, lagAware()));
			runs.put("read-your-writes", run(file, delayed, cluster, readYourWrites()));
			Map<String, Object> both = new LinkedHashMap<>(lagAware());
			both.putAll(readYourWrites());
			runs.put("read-your-writes + max-standby-lag " + MAX_STANDBY_LAG, run(file, delayed, cluster, both));
			Map<String, Object> noWait = new LinkedHashMap<>(readYourWrites());
			noWait.put("pgsql.relation.routing.read-your-writes-wait", "0");
			runs.put("read-your-writes, wait 0", run(file, delayed, cluster, noWait));
			runs.put("round-robin (again)", run(file, delayed, cluster, Map.of()));
		}
		double baseline = (runs.get("round-robin").pairsPerSecond() + runs.get("round-robin (again)").pairsPerSecond())
				/ 2;
		double writesBaseline = (runs.get("round-robin").writesPerSecond()
				+ runs.get("round-robin (again)").writesPerSecond()) / 2;
		runs.forEach((name, run) -> this.report.row(name, run.pairs(), percent(run.onDelayed(), run.pairs()),
				percent(run.onMaster(), run.pairs()), run.stale(),
				String.format(Locale.ROOT, "%.0f", run.pairsPerSecond()),
				String.format(Locale.ROOT, "%.2f", run.pairsPerSecond() / baseline),
				String.format(Locale.ROOT, "%.0f", run.writesPerSecond()),
				String.format(Locale.ROOT, "%.2f", run.writesPerSecond() / writesBaseline)));
		Run lagAware = runs.get("max-standby-lag " + MAX_STANDBY_LAG);
		Run ryw = runs.get("read-your-writes");
		Run rywLagAware = runs.get("read-your-writes + max-standby-lag " + MAX_STANDBY_LAG);
		this.report.verdict("no read on the delayed standby with max-standby-lag below the delay",
				lagAware.onDelayed() == 0 && rywLagAware.onDelayed() == 0,
				lagAware.onDelayed() + " and " + rywLagAware.onDelayed() + " of " + this.pairs);
		Run rywNoWait = runs.get("read-your-writes, wait 0");
		this.report.verdict("no stale read with read-your-writes",
				ryw.stale() == 0 && rywLagAware.stale() == 0 && rywNoWait.stale() == 0,
				ryw.stale() + ", " + rywLagAware.stale() + " and " + rywNoWait.stale() + " of " + this.pairs + "; off: "
						+ runs.get("round-robin").stale() + " (round-robin), " + lagAware.stale()
						+ " (max-standby-lag)");
		double ratio = ryw.pairsPerSecond() / baseline;
		double ratioLagAware = rywLagAware.pairsPerSecond() / baseline;
		this.report.verdict("read-your-writes throughput >= 0.9 of round-robin", Math.min(ratio, ratioLagAware) >= 0.9,
				String.format(Locale.ROOT, "%.2f alone, %.2f with max-standby-lag", ratio, ratioLagAware));
		return String.format(Locale.ROOT, "stale with read-your-writes %d/%d, throughput ratio %.2f / %.2f",
				ryw.stale() + rywLagAware.stale(), 2 * this.pairs, ratio, ratioLagAware);
	}

	private static Map<String, Object> lagAware() {
		return Map.of("pgsql.relation.routing.max-standby-lag", MAX_STANDBY_LAG,
				"pgsql.relation.routing.standby-lag-probe-interval", "200ms");
	}

	private static Map<String, Object> readYourWrites() {
		return Map.of("pgsql.relation.routing.read-your-writes", "true", "pgsql.relation.routing.read-your-writes-wait",
				"1s");
	}

	private Run run(StateFile file, PostgresNode delayed, PostgresCluster cluster, Map<String, Object> properties)
			throws Exception {
		try (StarterApp app = StarterApp.start(file.path(), properties)) {
			Pairs pairs = new Pairs(app);
			if (properties.containsKey("pgsql.relation.routing.max-standby-lag")) {
				// The probe needs writes to see the lag: what a running application has.
				RelationRoutingDataSource routing = (RelationRoutingDataSource) app.dataSource();
				long deadline = System.nanoTime() + 30_000_000_000L;
				while (routing.topology().standbys().stream().noneMatch((standby) -> standby.lagging())) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("The delayed standby was never skipped for lag");
					}
					pairs.pair();
				}
			}
			for (int i = 0; i < WARM_UP; i++) {
				pairs.pair();
			}
			return pairs.run(this.pairs, delayed.port(), cluster.primary().port());
		}
	}

	private static void delay(PostgresNode standby, String delay) throws SQLException {
		try (Connection connection = standby.connectAsSuperuser(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + delay + "'");
			statement.execute("SELECT pg_reload_conf()");
		}
	}

	private static String percent(long count, long total) {
		return String.format(Locale.ROOT, "%d (%.1f %%)", count, 100.0 * count / total);
	}

	private static int pairs() {
		String value = System.getProperty("scenarios.lagPairs", "10000");
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"System property scenarios.lagPairs must be an integer, was '" + value + "'", ex);
		}
	}

	/** Write-then-read pairs through the application's transactions. */
	private static final class Pairs {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate readWrite;

		private final TransactionTemplate readOnly;

		Pairs(StarterApp app) {
			this.jdbc = new JdbcTemplate(app.dataSource());
			PlatformTransactionManager transactions = app.transactionManager();
			this.readWrite = new TransactionTemplate(transactions);
			this.readOnly = new TransactionTemplate(transactions);
			this.readOnly.setReadOnly(true);
		}

		long write() {
			return Objects
				.requireNonNull(this.readWrite.execute((status) -> this.jdbc.queryForObject(WRITE, Long.class)));
		}

		/** Returns the port the read ran on, negative when it missed the write. */
		int pair() {
			long id = write();
			return Objects.requireNonNull(this.readOnly.execute((status) -> this.jdbc.queryForObject(READ,
					(rs, row) -> rs.getBoolean(2) ? rs.getInt(1) : -rs.getInt(1), id)));
		}

		Run run(int count, int delayedPort, int masterPort) throws InterruptedException {
			AtomicLong remaining = new AtomicLong(count);
			LongAdder onDelayed = new LongAdder();
			LongAdder onMaster = new LongAdder();
			LongAdder stale = new LongAdder();
			List<Thread> threads = new ArrayList<>();
			long start = System.nanoTime();
			for (int i = 0; i < THREADS; i++) {
				Thread thread = new Thread(() -> {
					while (remaining.getAndDecrement() > 0) {
						int port = pair();
						if (port < 0) {
							stale.increment();
						}
						if (Math.abs(port) == delayedPort) {
							onDelayed.increment();
						}
						else if (Math.abs(port) == masterPort) {
							onMaster.increment();
						}
					}
				}, "pairs-" + i);
				threads.add(thread);
				thread.start();
			}
			for (Thread thread : threads) {
				thread.join();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return new Run(count, onDelayed.sum(), onMaster.sum(), stale.sum(), count / seconds, writes(count));
		}

		/** Returns the throughput of write transactions alone, from as many threads. */
		private double writes(int count) throws InterruptedException {
			AtomicLong remaining = new AtomicLong(count);
			List<Thread> threads = new ArrayList<>();
			long start = System.nanoTime();
			for (int i = 0; i < THREADS; i++) {
				Thread thread = new Thread(() -> {
					while (remaining.getAndDecrement() > 0) {
						write();
					}
				}, "writes-" + i);
				threads.add(thread);
				thread.start();
			}
			for (Thread thread : threads) {
				thread.join();
			}
			return count / ((System.nanoTime() - start) / 1e9);
		}

	}

	private record Run(long pairs, long onDelayed, long onMaster, long stale, double pairsPerSecond,
			double writesPerSecond) {

	}

}
