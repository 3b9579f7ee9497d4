package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Scenario 2, hot refresh: how long after the state file's rename the running application
 * writes on the new master, and reads on a new standby; against an application restarted
 * with the new URL in a fresh JVM.
 * <p>
 * The servers are up before the file names them, as a charm publishes a master or a
 * standby only once it serves: the time measured is the application's alone. The master
 * alternates between the primaries of two clusters (the routing has no way to find the
 * other one but the file); the standby that joins is a running standby of the first.
 * <p>
 * Each change comes with the application at rest, as a relation changes minutes after its
 * last change: the pools of the previous change filled and the retired ones closed. The
 * floor of "rename to first transaction on the new server" is one new connection to it,
 * measured in the same run as pgjdbc opening one and running the same transaction; the
 * floor of "rename to change applied" is {@link AppliedFloor}.
 */
final class HotRefreshScenario {

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final long PROBE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** The least time between changes, once the pools are at rest. */
	private static final long PAUSE_MILLIS = 100;

	/**
	 * How long the pools may take to come to rest after a change, or after the start: the
	 * standbys' pools made while the application started fill at HikariCP's next
	 * housekeeping run once it is ready, up to 30 s later.
	 */
	private static final long REST_TIMEOUT_SECONDS = 60;

	private final ScenarioSizes sizes;

	private final Report report;

	private final Path directory;

	HotRefreshScenario(ScenarioSizes sizes, Report report, Path directory) {
		this.sizes = sizes;
		this.report = report;
		this.directory = directory;
	}

	String run() throws Exception {
		this.report.section("2. Hot refresh against a restart");
		String password = "scenario" + Long.toHexString(System.nanoTime());
		try (PostgresCluster first = PostgresCluster.builder().standbys(2).password(password).start();
				PostgresCluster second = PostgresCluster.builder().password(password).start()) {
			StarterApp.createTables(first.primary());
			StarterApp.createTables(second.primary());
			PostgresNode masterA = first.primary();
			PostgresNode masterB = second.primary();
			PostgresNode steady = first.standbys().get(0);
			PostgresNode joining = first.standbys().get(1);
			first.awaitReplication();
			StateFile file = new StateFile(this.directory.resolve("hot-refresh.json"));
			file.write(first, masterA, List.of(steady));
			Samples master = new Samples();
			Samples standby = new Samples();
			Samples masterApplied = new Samples();
			Samples standbyApplied = new Samples();
			Samples watcherOwn = new Samples();
			Samples watcherCpu = new Samples();
			Samples newConnection = new Samples();
			Samples readFloor = new Samples();
			Samples appliedFloor = new Samples();
			int misses = 0;
			StateFile floorFile = new StateFile(
					Files.createDirectories(this.directory.resolve("applied-floor")).resolve("hot-refresh.json"));
			floorFile.write(first, masterA, List.of(steady));
			try (StarterApp app = StarterApp.start(file.path(), Map.of());
					AppliedFloor floor = new AppliedFloor(floorFile.path(), floorPool(first.user(), password))) {
				StarterApp.Transactions tx = app.transactions();
				awaitPort(tx::write, masterA.port());
				for (int i = 0; i < this.sizes.masterChanges(); i++) {
					PostgresNode target = (i % 2 == 0) ? masterB : masterA;
					awaitRest(app);
					newConnection.addNanos(newConnection(target, first.user(), password));
					awaitRest(app);
					floor.clear();
					long floorRenamed = floorFile.write(first, target, List.of(steady));
					AppliedFloor.Applied floorApplied = probeUntilApplied(tx::write, floor);
					readFloor.addNanos(floorApplied.parsed() - floorRenamed);
					appliedFloor.addNanos(floorApplied.pooled() - floorRenamed);
					floor.closePool();
					if (!floorApplied.jdbcUrl().contains(":" + target.port() + "/")) {
						throw new IllegalStateException("The floor made a pool for " + floorApplied.jdbcUrl()
								+ ", not for port " + target.port());
					}
					awaitRest(app);
					long cpu = app.watcherCpuNow();
					long renamed = file.write(first, target, List.of(steady));
					long reached = awaitPort(tx::write, target.port());
					if (reached < 0) {
						misses++;
					}
					else {
						master.addNanos(reached - renamed);
						masterApplied.addNanos(app.lastChangeApplied() - renamed);
						watcherOwn.addNanos(app.lastChangeTook());
						watcherCpu.addNanos(app.lastChangeAppliedCpu() - cpu);
					}
				}
				PostgresNode last = (this.sizes.masterChanges() % 2 == 1) ? masterB : masterA;
				for (int i = 0; i < this.sizes.standbyAdditions(); i++) {
					awaitRest(app);
					long cpu = app.watcherCpuNow();
					long renamed = file.write(first, last, List.of(steady, joining));
					long reached = awaitPort(tx::read, joining.port());
					if (reached < 0) {
						misses++;
					}
					else {
						standby.addNanos(reached - renamed);
						standbyApplied.addNanos(app.lastChangeApplied() - renamed);
						watcherOwn.addNanos(app.lastChangeTook());
						watcherCpu.addNanos(app.lastChangeAppliedCpu() - cpu);
					}
					file.write(first, last, List.of(steady));
				}
			}
			Samples restart = restarts(List.of(masterA, masterB), first.user(), password);
			this.report.paragraph("Servers: two clusters (a primary with 2 standbys, a lone primary). The master "
					+ "alternates between the two primaries (" + this.sizes.masterChanges()
					+ " changes); a running standby joins and leaves the relation (" + this.sizes.standbyAdditions()
					+ " additions). One thread runs a transaction every millisecond through the starter's DataSource "
					+ "(`inet_server_port()` tells the server); the time is from just before the rename to the end "
					+ "of the first transaction that ran on the new server; \"applied\" is when the change's first event "
					+ "was published, right after the routing swapped its pools (file notification, read and parse "
					+ "at once: a rename needs no quiet period), the rest is the new pool's first connection and the transaction. "
					+ "Each change comes with the application at rest (the pools of the previous change filled to "
					+ "HikariCP's minimum idle, retired pools closed, then " + PAUSE_MILLIS + " ms), as a relation "
					+ "changes minutes apart. The floor is one new connection to the new server and the same "
					+ "transaction on it (pgjdbc through `DriverManagerDataSource`, no pool), measured before each "
					+ "master change. The floor of \"applied\" is the least an application does between a rename and "
					+ "a pool for the new server, without the starter: a thread of its own waits on the JDK's watch "
					+ "service for a directory of its own, reads the file, parses it token by token with Jackson and "
					+ "makes a plain HikariCP pool for the master it names; its own state file is renamed before "
					+ "each master change, at rest and with the same transaction every millisecond as while a change "
					+ "is awaited. The baseline starts a fresh JVM " + "(`java -cp <benchmarks classpath> "
					+ RestartApplication.class.getName()
					+ "`, `SPRING_DATASOURCE_URL`/`USERNAME`/`PASSWORD`, HikariCP through Spring Boot's "
					+ "DataSource auto-configuration) and times launch to its first committed write.");
			this.report.table("Measurement", "n", "p50", "p90", "p99", "max");
			row("Hot refresh: rename to first write on the new master", master);
			row("of which: rename to the change applied by the routing", masterApplied);
			row("Hot refresh: rename to first read on a new standby", standby);
			row("of which: rename to the change applied by the routing", standbyApplied);
			row("The watcher's own share of \"applied\", both kinds: read, check, apply, publish", watcherOwn);
			row("The watcher thread's CPU time from the rename to \"applied\", both kinds (the rest of \"applied\" it waited for a core)",
					watcherCpu);
			row("Floor of \"applied\": a thread of its own on the JDK's watch service reads the file, parses it and makes "
					+ "a plain HikariCP pool for the master it names (nothing connects)", appliedFloor);
			row("of which: rename to the file read and parsed", readFloor);
			row("Floor: one new connection (pgjdbc, no pool) and the same write", newConnection);
			row("Restart (fresh JVM): launch to first write", restart);
			if (misses > 0) {
				this.report.line("\n" + misses + " refreshes were not seen within 10 s.");
			}
			double worstApplied = Math.max(masterApplied.p99(), standbyApplied.p99());
			this.report.verdict("rename to change applied p99 <= 5 ms", worstApplied <= 5 && misses == 0,
					"master " + Samples.ms(masterApplied.p99()) + ", standby " + Samples.ms(standbyApplied.p99())
							+ "; the floor, a bare watcher's read, parse and pool, p50 "
							+ Samples.ms(appliedFloor.p50()) + " p99 " + Samples.ms(appliedFloor.p99()));
			String floor = "; the floor, one new connection and the write, p50 " + Samples.ms(newConnection.p50())
					+ " p99 " + Samples.ms(newConnection.p99());
			this.report.verdict("rename to first write on a new master p99 <= 25 ms", master.p99() <= 25 && misses == 0,
					Samples.ms(master.p99()) + " (p50 " + Samples.ms(master.p50()) + ")" + floor);
			this.report.verdict("rename to first read on a new standby p99 <= 20 ms",
					standby.p99() <= 20 && misses == 0,
					Samples.ms(standby.p99()) + " (p50 " + Samples.ms(standby.p50()) + ")" + floor);
			String ratio = Report.ratio(restart.p50(), master.p50());
			this.report.verdict("hot refresh at least 40x faster than a restart (restart p50 / refresh p50)",
					restart.p50() / master.p50() >= 40,
					ratio + " for the master; " + Report.ratio(restart.p50(), standby.p50())
							+ " for a standby; against the refresh p99: " + Report.ratio(restart.p50(), master.p99()));
			return "master p50 " + Samples.ms(master.p50()) + " p99 " + Samples.ms(master.p99()) + "; standby p50 "
					+ Samples.ms(standby.p50()) + " p99 " + Samples.ms(standby.p99()) + "; one new connection p50 "
					+ Samples.ms(newConnection.p50()) + " p99 " + Samples.ms(newConnection.p99())
					+ "; applied p99 master " + Samples.ms(masterApplied.p99()) + " standby "
					+ Samples.ms(standbyApplied.p99()) + ", its floor " + Samples.ms(appliedFloor.p99())
					+ "; restart p50 " + Samples.ms(restart.p50()) + "; ratio " + ratio;
		}
	}

	private static void awaitRest(StarterApp app) throws InterruptedException {
		if (!app.poolEvents().awaitRest(REST_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The pools did not come to rest within " + REST_TIMEOUT_SECONDS + " s");
		}
		Thread.sleep(PAUSE_MILLIS);
	}

	/**
	 * Runs the scenario's write every millisecond, as while a change of the starter is
	 * awaited, until the floor applied its change.
	 * @return when the floor read the file and made its pool
	 */
	private static AppliedFloor.Applied probeUntilApplied(IntSupplier transaction, AppliedFloor floor)
			throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (!floor.hasApplied() && System.nanoTime() < deadline) {
			try {
				transaction.getAsInt();
			}
			catch (RuntimeException ex) {
				// Only the load counts here.
			}
			LockSupport.parkNanos(PROBE_PAUSE_NANOS);
		}
		return floor.awaitApplied();
	}

	/**
	 * The floor's pool settings but the URL, which it takes from the file: HikariCP's
	 * defaults, and nothing connects.
	 */
	private static HikariConfig floorPool(String user, String password) {
		HikariConfig config = new HikariConfig();
		config.setUsername(user);
		config.setPassword(password);
		config.setMinimumIdle(0);
		config.setInitializationFailTimeout(-1);
		return config;
	}

	/**
	 * Opens one connection to a server with pgjdbc and runs the scenario's write on it.
	 * @return the time it took, in nanoseconds
	 */
	private static long newConnection(PostgresNode server, String user, String password) {
		StarterApp.Transactions transactions = StarterApp.Transactions
			.on(new DriverManagerDataSource(server.jdbcUrl(), user, password));
		long start = System.nanoTime();
		int port = transactions.write();
		long took = System.nanoTime() - start;
		if (port != server.port()) {
			throw new IllegalStateException("The write ran on port " + port + ", not " + server.port());
		}
		return took;
	}

	private void row(String name, Samples samples) {
		this.report.row(name, samples.count(), Samples.ms(samples.p50()), Samples.ms(samples.percentile(90)),
				Samples.ms(samples.p99()), Samples.ms(samples.max()));
	}

	/**
	 * Runs transactions back to back until one runs on the given port.
	 * @return {@link System#nanoTime()} at the end of that transaction, or -1 on timeout
	 */
	private static long awaitPort(IntSupplier transaction, int port) {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (System.nanoTime() < deadline) {
			try {
				if (transaction.getAsInt() == port) {
					return System.nanoTime();
				}
			}
			catch (RuntimeException ex) {
				// Not there yet: the refresh is what is measured
			}
			// A pause, so that the probe does not take the CPU the refresh needs
			LockSupport.parkNanos(PROBE_PAUSE_NANOS);
		}
		return -1;
	}

	private Samples restarts(List<PostgresNode> masters, String user, String password)
			throws IOException, InterruptedException {
		Samples samples = new Samples();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		for (int i = 0; i < this.sizes.restarts(); i++) {
			PostgresNode master = masters.get(i % masters.size());
			ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					RestartApplication.class.getName());
			builder.environment().put("SPRING_DATASOURCE_URL", master.jdbcUrl());
			builder.environment().put("SPRING_DATASOURCE_USERNAME", user);
			builder.environment().put("SPRING_DATASOURCE_PASSWORD", password);
			builder.redirectError(ProcessBuilder.Redirect.DISCARD);
			long launched = System.nanoTime();
			Process process = builder.start();
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					if (line.equals(RestartApplication.WRITTEN + " " + master.port())) {
						samples.addNanos(System.nanoTime() - launched);
						break;
					}
				}
				if (!process.waitFor(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("The restarted application did not exit within 60 s");
				}
			}
			finally {
				process.destroyForcibly();
			}
		}
		if (samples.count() < this.sizes.restarts()) {
			this.report.line("\n" + (this.sizes.restarts() - samples.count())
					+ " restarted applications never wrote (see their exit code).");
		}
		return samples;
	}

}
