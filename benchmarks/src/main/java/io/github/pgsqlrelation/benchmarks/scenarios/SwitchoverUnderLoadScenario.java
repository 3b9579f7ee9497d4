package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;

/**
 * Scenario 4, switchover under load: concurrent clients write and read through the
 * starter's DataSource in Spring transactions while the master switches, in two
 * sequences; counted are failed transactions and acknowledged writes missing from the
 * final master.
 */
final class SwitchoverUnderLoadScenario {

	private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(40);

	private static final Pattern SESSION_ENDED = Pattern
		.compile("(\\d+)\\.(\\d{3}) \\[(\\d+)\\] LOG:  disconnection: session time");

	private final ScenarioSizes sizes;

	private final Report report;

	private final Path directory;

	SwitchoverUnderLoadScenario(ScenarioSizes sizes, Report report, Path directory) {
		this.sizes = sizes;
		this.report = report;
		this.directory = directory;
	}

	String run() throws Exception {
		this.report.section("4. Switchover under load");
		List<Result> results = new ArrayList<>();
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
			StarterApp.createTables(cluster.primary());
			for (PostgresNode node : cluster.nodes()) {
				logWithTimes(node);
			}
			cluster.awaitReplication();
			StateFile file = new StateFile(this.directory.resolve("switchover.json"));
			file.write(cluster, cluster.primary(), cluster.standbys());
			try (StarterApp app = StarterApp.start(file.path(), Map.of())) {
				AtomicLong ids = new AtomicLong();
				results.add(sequence("file first, drain, then stop and promote", true, cluster, file, app, ids));
				results.add(sequence("stop and promote first, then the file", false, cluster, file, app, ids));
			}
		}
		this.report.paragraph(this.sizes.loadClients() + " clients, each in turn a read-write transaction "
				+ "(`INSERT` of a unique id, `TransactionTemplate` on Spring Boot's transaction manager) and a "
				+ "read-only one (`setReadOnly(true)`, as `@Transactional(readOnly = true)`), pausing "
				+ this.sizes.loadThinkMillis() + " ms between transactions; HikariCP defaults (10 connections per "
				+ "pool, `connectionTimeout` 30 s). Servers: a primary and 2 standbys; " + this.sizes.loadSwitchovers()
				+ " switchovers per sequence, each to the first standby, after which a new standby is cloned from "
				+ "the new primary and added to the file. **File first**: the file names the chosen standby as "
				+ "master (the new master pool connects with `targetServerType=primary`, so its transactions wait "
				+ "until a primary appears), the harness waits until the routing has closed the retired master pool "
				+ "(its `RoutingListener.poolClosed`) and the old primary has no connection of the relation user "
				+ "left (`pg_stat_activity`), then `PostgresCluster.switchover` stops the old primary "
				+ "(`-m fast`), waits for the standby to replay its shutdown checkpoint, promotes it and repoints the "
				+ "other standby (a reload, no restart). **Promote first**: `switchover` at once, then the file. "
				+ "Lost writes: acknowledged ids missing from the final master. Writes in flight at a stop: the "
				+ "most master pool connections in use at once (`HikariPoolMXBean.getActiveConnections()`, "
				+ "sampled every 0.1 ms) from the start of the switchover to its first failed write, an upper "
				+ "bound of the transactions in flight when the server ended its sessions; `pg_ctl stop -m fast` ends every session, so a transaction holding one then "
				+ "fails whatever the client does, and a pooled connection handed out after the stop must not "
				+ "add to them. That bound is sampled by a thread that waits for a core like any other, and can "
				+ "miss a peak. Failed on an ended session: failed writes whose transaction took its pooled "
				+ "connection (its backend's process id, from pgjdbc) in a later millisecond than the old primary "
				+ "logged that session's end (`log_disconnections`, `log_line_prefix` `%n [%p]`), which a backend "
				+ "logs as it exits, after sending the `FATAL`: stale connections handed out. The other failed "
				+ "writes were in flight, or took their connection between the `FATAL` and the backend's exit.");
		this.report.table("Sequence", "switchovers", "transactions", "failed writes",
				"most master connections in use from each stop to its first failure",
				"switchovers with more failed than in flight", "failed on an ended session", "failed reads",
				"lost acknowledged writes", "slowest transaction", "drain wait p50 / max");
		for (Result result : results) {
			this.report.row(result.name(), result.switchovers(), result.transactions(), result.failedWrites(),
					result.inFlight(), result.beyondInFlight(), result.failedOnEndedSessions(), result.failedReads(),
					result.lost(), Samples.ms(result.slowestMillis()), result.drain().count() > 0
							? Samples.ms(result.drain().p50()) + " / " + Samples.ms(result.drain().max()) : "");
			this.report.line(
					"\nFailed writes / most master connections in use from the stop to its first failure, per switchover ("
							+ result.name() + "): " + result.perSwitchover());
			if (!result.errors().isEmpty()) {
				this.report.line("\nErrors (" + result.name() + "): " + String.join("; ", result.errors()));
			}
			if (!result.slow().isEmpty()) {
				this.report.line("\nFirst transactions slower than 2 s (" + result.name() + "): "
						+ String.join("; ", result.slow()) + ". Switchovers started at (s): "
						+ String.join(", ", result.timeline()));
			}
		}
		Result planned = results.get(0);
		this.report.verdict("0 failed transactions in the planned sequence (file first)",
				planned.failedWrites() + planned.failedReads() == 0, planned.failedWrites() + " failed writes, "
						+ planned.failedReads() + " failed reads of " + planned.transactions());
		long lost = results.stream().mapToLong(Result::lost).sum();
		this.report.verdict("0 lost acknowledged writes (both sequences)", lost == 0, lost + " lost");
		Result plain = results.get(1);
		this.report.verdict("at most 20 failed transactions in the other order (promote first)",
				plain.failedWrites() + plain.failedReads() <= 20,
				plain.failedWrites() + " failed writes, " + plain.inFlight()
						+ " master connections in use at most from each stop to its first failure, "
						+ plain.failedReads() + " failed reads");
		this.report.verdict("no failed write beyond those in flight at the stop (promote first)",
				plain.beyondInFlight() == 0,
				plain.beyondInFlight() + " of " + plain.switchovers() + " switchovers with more failed writes");
		this.report.verdict(
				"no failed write on a session the old primary had ended before the transaction took it (promote first)",
				plain.failedOnEndedSessions() == 0,
				plain.failedOnEndedSessions() + " of " + plain.failedWrites() + " failed writes");
		return "planned: " + planned.failedWrites() + "/" + planned.failedReads() + " failed w/r of "
				+ planned.transactions() + "; promote first: " + plain.failedWrites() + "/" + plain.failedReads()
				+ " of " + plain.transactions() + "; lost " + lost;
	}

	private Result sequence(String name, boolean fileFirst, PostgresCluster cluster, StateFile file, StarterApp app,
			AtomicLong ids) throws Exception {
		Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
		Clients clients = new Clients(app.transactions(), ids, acknowledged, this.sizes);
		Samples drain = new Samples();
		List<String> timeline = new ArrayList<>();
		List<Clients.Stop> stops = new ArrayList<>();
		try {
			Thread.sleep(1000);
			for (int i = 0; i < this.sizes.loadSwitchovers(); i++) {
				PostgresNode former = cluster.primary();
				PostgresNode chosen = cluster.standbys().get(0);
				List<PostgresNode> others = new ArrayList<>(cluster.standbys());
				others.remove(chosen);
				timeline.add(String.format(Locale.ROOT, "%.1f", clients.secondsSinceStart()));
				Clients.Stop stop;
				if (fileFirst) {
					long start = file.write(cluster, chosen, others);
					// The routing retires the old master pool on the change
					while (app.lastChangeApplied() - start < 0) {
						Thread.sleep(1);
					}
					if (!app.poolEvents().awaitRetiredMastersClosed(40, TimeUnit.SECONDS)) {
						throw new IllegalStateException("The retired master pool did not close within 40 s");
					}
					awaitDrained(former, cluster.user());
					drain.addNanos(System.nanoTime() - start);
					stop = clients.markStop(app.poolEvents()::masterConnectionsInUse);
					cluster.switchover(chosen);
				}
				else {
					stop = clients.markStop(app.poolEvents()::masterConnectionsInUse);
					cluster.switchover(chosen);
					file.write(cluster, chosen, others);
				}
				stop.sessionsEnded(sessionsEnded(former));
				PostgresNode added = cluster.addStandby();
				logWithTimes(added);
				others.add(added);
				file.write(cluster, chosen, others);
				Thread.sleep(500);
				stops.add(stop);
			}
			Thread.sleep(1000);
		}
		finally {
			clients.close();
		}
		Set<Long> present = ids(cluster.primary());
		long lost = acknowledged.stream().filter((id) -> !present.contains(id)).count();
		return new Result(name, this.sizes.loadSwitchovers(), clients.transactions(), clients.failedWrites(),
				clients.failedReads(), lost, clients.slowestMillis(), drain, clients.errors(), clients.slow(), timeline,
				stops);
	}

	/**
	 * Has the server log the end of each session from now on, each line with the time in
	 * milliseconds since the epoch and the backend's process id, e.g.
	 * {@code 1764590000.123 [4711] LOG:  disconnection: session time: ...}.
	 */
	private static void logWithTimes(PostgresNode node) throws SQLException {
		try (Connection connection = node.connectAsSuperuser(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET log_line_prefix = '%n [%p] '");
			statement.execute("ALTER SYSTEM SET log_disconnections = on");
			statement.execute("SELECT pg_reload_conf()");
		}
	}

	/**
	 * When the stopped server's sessions ended: milliseconds since the epoch, by backend
	 * process id, the last time each id logged its disconnection. A backend logs it as it
	 * exits, after it sent the session's {@code FATAL}: a connection taken in a later
	 * millisecond already had the {@code FATAL} waiting.
	 */
	private static Map<Integer, Long> sessionsEnded(PostgresNode former) throws IOException {
		Map<Integer, Long> ended = new HashMap<>();
		for (String line : Files.readAllLines(former.logFile(), StandardCharsets.UTF_8)) {
			Matcher matcher = SESSION_ENDED.matcher(line);
			if (matcher.lookingAt()) {
				ended.put(Integer.valueOf(matcher.group(3)),
						Long.parseLong(matcher.group(1)) * 1000 + Long.parseLong(matcher.group(2)));
			}
		}
		return ended;
	}

	/** Waits until the retired pool has closed every connection of the relation user. */
	private static void awaitDrained(PostgresNode former, String user) throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
		try (Connection connection = former.connectAsSuperuser();
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE usename = ?")) {
			statement.setString(1, user);
			while (System.nanoTime() < deadline) {
				try (ResultSet result = statement.executeQuery()) {
					result.next();
					if (result.getLong(1) == 0) {
						return;
					}
				}
				Thread.sleep(10);
			}
		}
	}

	private static Set<Long> ids(PostgresNode primary) throws SQLException {
		Set<Long> ids = new HashSet<>();
		try (Connection connection = primary.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id FROM acked")) {
			while (result.next()) {
				ids.add(result.getLong(1));
			}
		}
		return ids;
	}

	record Result(String name, int switchovers, long transactions, long failedWrites, long failedReads, long lost,
			double slowestMillis, Samples drain, List<String> errors, List<String> slow, List<String> timeline,
			List<Clients.Stop> stops) {

		long inFlight() {
			return this.stops.stream().mapToLong(Clients.Stop::inFlight).sum();
		}

		/**
		 * Switchovers with more failed writes than transactions in flight at the stop.
		 */
		long beyondInFlight() {
			return this.stops.stream().filter((stop) -> stop.failed() > stop.inFlight()).count();
		}

		/** Failed writes on sessions the server had ended before, all switchovers. */
		long failedOnEndedSessions() {
			return this.stops.stream().mapToLong(Clients.Stop::failedOnEndedSessions).sum();
		}

		/** Failed writes / writes in flight per switchover, e.g. {@code 2/10, 0/9}. */
		String perSwitchover() {
			return String.join(", ", this.stops.stream().map((stop) -> stop.failed() + "/" + stop.inFlight()).toList());
		}

	}

}
