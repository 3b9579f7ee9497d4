package io.github.pgsqlrelation.benchmarks.scenarios;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;

/**
 * Scenario 3, unplanned failover without a relation update: the primary is killed
 * (SIGKILL), the harness promotes the standby right away, and the state file still names
 * the dead primary. Measured: how long until writes commit again, through the starter
 * (default settings) and through pgjdbc's own multi-host URL
 * ({@code targetServerType=primary} over both hosts) in a plain HikariCP pool, both in
 * the same failover.
 */
final class FailoverScenario {

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(90);

	private final ScenarioSizes sizes;

	private final Report report;

	private final Path directory;

	FailoverScenario(ScenarioSizes sizes, Report report, Path directory) {
		this.sizes = sizes;
		this.report = report;
		this.directory = directory;
	}

	String run() throws Exception {
		this.report.section("3. Unplanned failover with a stale state file");
		List<Series> series = new ArrayList<>();
		series.add(new Series(0));
		if (this.sizes.failoverDelayMillis() > 0) {
			series.add(new Series(this.sizes.failoverDelayMillis()));
		}
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
			StarterApp.createTables(cluster.primary());
			cluster.awaitReplication();
			StateFile file = new StateFile(this.directory.resolve("failover.json"));
			file.write(cluster, cluster.primary(), cluster.standbys());
			try (StarterApp app = StarterApp.start(file.path(), Map.of())) {
				for (Series current : series) {
					for (int round = 0; round < this.sizes.failovers(); round++) {
						failover(cluster, file, app, current);
					}
				}
			}
		}
		this.report.paragraph("Servers: a primary and one standby; " + this.sizes.failovers()
				+ " failovers per series. Each round one client per DataSource writes every 5 ms; the harness sends "
				+ "SIGKILL to the primary's postmaster and promotes the standby right after (first series) or "
				+ this.sizes.failoverDelayMillis() + " ms after the kill (second series, as a charm's failover takes "
				+ "time); promoting is `pg_ctl promote -w`, then polling `pg_is_in_recovery()` until false: writes "
				+ "can resume before the harness sees it, hence negative times from the promotion. The state file "
				+ "still names the dead primary. Times are to the end of the first write committed on the promoted "
				+ "server. Then the file is brought up to date and a new standby added for the next round. The peer "
				+ "is a plain HikariCP pool (defaults) on "
				+ "`jdbc:postgresql://localhost:<primary>,localhost:<standby>/app?targetServerType=primary` "
				+ "(pgjdbc defaults, so `hostRecheckSeconds=10`); it names the hosts `localhost` so that pgjdbc's "
				+ "JVM-wide host status cache does not share what the starter's pool learned about `127.0.0.1`.");
		this.report.table("DataSource", "promoted", "n", "p50 from kill", "max from kill", "p50 from promotion",
				"max from promotion", "failed writes");
		for (Series current : series) {
			String promoted = (current.delayMillis == 0) ? "at once" : current.delayMillis + " ms after the kill";
			this.report.row("starter (defaults)", promoted, current.starterFromKill.count(),
					Samples.ms(current.starterFromKill.p50()), Samples.ms(current.starterFromKill.max()),
					Samples.ms(current.starterFromPromotion.p50()), Samples.ms(current.starterFromPromotion.max()),
					current.starterFailures);
			this.report.row("pgjdbc multi-host URL, plain HikariCP", promoted, current.peerFromKill.count(),
					Samples.ms(current.peerFromKill.p50()), Samples.ms(current.peerFromKill.max()),
					Samples.ms(current.peerFromPromotion.p50()), Samples.ms(current.peerFromPromotion.max()),
					current.peerFailures);
			this.report.row("(the harness: kill until promoted)", promoted, current.promotion.count(),
					Samples.ms(current.promotion.p50()), Samples.ms(current.promotion.max()), "", "", "");
		}
		int timeouts = series.stream().mapToInt((current) -> current.timeouts).sum();
		if (timeouts > 0) {
			this.report.line("\n" + timeouts + " times writes did not resume within 90 s.");
		}
		Series first = series.get(0);
		this.report.verdict(
				"writes resume < 5 s after the kill with default settings (starter, promoted at once, "
						+ "worst round)",
				first.timeouts == 0 && first.starterFromKill.count() == this.sizes.failovers()
						&& first.starterFromKill.max() < 5000,
				"max " + Samples.ms(first.starterFromKill.max()) + ", p50 " + Samples.ms(first.starterFromKill.p50())
						+ "; pgjdbc multi-host URL max " + Samples.ms(first.peerFromKill.max())
						+ ", peer p50 / starter p50 "
						+ Report.ratio(first.peerFromKill.p50(), first.starterFromKill.p50()));
		for (Series current : series) {
			String promoted = (current.delayMillis == 0) ? "promoted at once"
					: "promoted " + current.delayMillis + " ms after the kill";
			this.report.verdict(
					"starter p50 from the kill <= the multi-host peer's, " + promoted
							+ ", with at most one failed write per failover",
					current.timeouts == 0 && current.starterFromKill.p50() <= current.peerFromKill.p50()
							&& current.starterFailures <= this.sizes.failovers(),
					"starter " + Samples.ms(current.starterFromKill.p50()) + " (" + current.starterFailures
							+ " failed writes), peer " + Samples.ms(current.peerFromKill.p50()) + " ("
							+ current.peerFailures + "); peer p50 / starter p50 "
							+ Report.ratio(current.peerFromKill.p50(), current.starterFromKill.p50()));
		}
		StringBuilder summary = new StringBuilder();
		for (Series current : series) {
			summary.append("delay ")
				.append(current.delayMillis)
				.append(" ms: starter from kill p50 ")
				.append(Samples.ms(current.starterFromKill.p50()))
				.append(" max ")
				.append(Samples.ms(current.starterFromKill.max()))
				.append(", peer p50 ")
				.append(Samples.ms(current.peerFromKill.p50()))
				.append(" max ")
				.append(Samples.ms(current.peerFromKill.max()))
				.append("; ");
		}
		return summary.toString();
	}

	private void failover(PostgresCluster cluster, StateFile file, StarterApp app, Series series) throws Exception {
		PostgresNode primary = cluster.primary();
		PostgresNode standby = cluster.standbys().get(0);
		file.write(cluster, primary, List.of(standby));
		awaitWriteOn(app.transactions(), primary.port());
		try (HikariDataSource peer = peer(cluster, primary, standby);
				PeriodicWriter starterWriter = new PeriodicWriter("failover-starter", app.transactions());
				PeriodicWriter peerWriter = new PeriodicWriter("failover-peer", StarterApp.Transactions.on(peer))) {
			awaitWriteOn(StarterApp.Transactions.on(peer), primary.port());
			Thread.sleep(200);
			starterWriter.watch(standby.port());
			peerWriter.watch(standby.port());
			long killed = System.nanoTime();
			cluster.kill(primary);
			if (series.delayMillis > 0) {
				Thread.sleep(series.delayMillis);
			}
			cluster.promote(standby);
			long promoted = System.nanoTime();
			series.promotion.addNanos(promoted - killed);
			long deadline = killed + TIMEOUT_NANOS;
			while ((starterWriter.reached() < 0 || peerWriter.reached() < 0) && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			series.timeouts += add(starterWriter.reached(), killed, promoted, series.starterFromKill,
					series.starterFromPromotion);
			series.timeouts += add(peerWriter.reached(), killed, promoted, series.peerFromKill,
					series.peerFromPromotion);
			series.starterFailures += starterWriter.failures();
			series.peerFailures += peerWriter.failures();
		}
		// The relation catches up, and a new standby replaces the dead primary
		cluster.addStandby();
	}

	private static int add(long reached, long killed, long promoted, Samples fromKill, Samples fromPromotion) {
		if (reached < 0) {
			return 1;
		}
		fromKill.addNanos(reached - killed);
		fromPromotion.addNanos(reached - promoted);
		return 0;
	}

	/** The failovers with one promotion delay. */
	private static final class Series {

		final int delayMillis;

		final Samples starterFromKill = new Samples();

		final Samples starterFromPromotion = new Samples();

		final Samples peerFromKill = new Samples();

		final Samples peerFromPromotion = new Samples();

		final Samples promotion = new Samples();

		long starterFailures;

		long peerFailures;

		int timeouts;

		Series(int delayMillis) {
			this.delayMillis = delayMillis;
		}

	}

	private static HikariDataSource peer(PostgresCluster cluster, PostgresNode primary, PostgresNode standby) {
		HikariDataSource peer = new HikariDataSource();
		peer.setPoolName("pgjdbc-multi-host");
		peer.setJdbcUrl("jdbc:postgresql://localhost:" + primary.port() + ",localhost:" + standby.port() + "/"
				+ cluster.database() + "?targetServerType=primary");
		peer.setUsername(cluster.user());
		peer.setPassword(cluster.password());
		return peer;
	}

	private static void awaitWriteOn(StarterApp.Transactions transactions, int port) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (System.nanoTime() < deadline) {
			try {
				if (transactions.write() == port) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// Not yet
			}
			Thread.sleep(10);
		}
		throw new IllegalStateException("Writes never reached port " + port);
	}

}
