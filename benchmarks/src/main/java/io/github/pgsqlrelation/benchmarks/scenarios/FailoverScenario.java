package io.github.pgsqlrelation.benchmarks.scenarios;

import java.nio.file.Path;
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
		Samples starterFromKill = new Samples();
		Samples starterFromPromotion = new Samples();
		Samples peerFromKill = new Samples();
		Samples peerFromPromotion = new Samples();
		Samples promotion = new Samples();
		Samples killing = new Samples();
		long starterFailures = 0;
		long peerFailures = 0;
		int timeouts = 0;
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
			StarterApp.createTables(cluster.primary());
			cluster.awaitReplication();
			StateFile file = new StateFile(this.directory.resolve("failover.json"));
			file.write(cluster, cluster.primary(), cluster.standbys());
			try (StarterApp app = StarterApp.start(file.path(), Map.of())) {
				for (int round = 0; round < this.sizes.failovers(); round++) {
					PostgresNode primary = cluster.primary();
					PostgresNode standby = cluster.standbys().get(0);
					file.write(cluster, primary, List.of(standby));
					awaitWriteOn(app.transactions(), primary.port());
					try (HikariDataSource peer = peer(cluster, primary, standby);
							Writer starterWriter = new Writer("failover-starter", app.transactions());
							Writer peerWriter = new Writer("failover-peer", StarterApp.Transactions.on(peer))) {
						awaitWriteOn(StarterApp.Transactions.on(peer), primary.port());
						Thread.sleep(200);
						starterWriter.watch(standby.port());
						peerWriter.watch(standby.port());
						long killed = System.nanoTime();
						cluster.kill(primary);
						long promoting = System.nanoTime();
						cluster.promote(standby);
						long promoted = System.nanoTime();
						killing.addNanos(promoting - killed);
						promotion.addNanos(promoted - killed);
						long deadline = killed + TIMEOUT_NANOS;
						while ((starterWriter.reached() < 0 || peerWriter.reached() < 0)
								&& System.nanoTime() < deadline) {
							Thread.sleep(5);
						}
						timeouts += add(starterWriter.reached(), killed, promoted, starterFromKill,
								starterFromPromotion);
						timeouts += add(peerWriter.reached(), killed, promoted, peerFromKill, peerFromPromotion);
						starterFailures += starterWriter.failures();
						peerFailures += peerWriter.failures();
					}
					// The relation catches up, and a new standby replaces the dead
					// primary
					cluster.addStandby();
				}
			}
		}
		this.report.paragraph("Servers: a primary and one standby; " + this.sizes.failovers()
				+ " failovers. Each round one client per DataSource writes every 5 ms; the harness sends SIGKILL to "
				+ "the primary's postmaster and promotes the standby right after (`pg_ctl promote -w`, then until "
				+ "`pg_is_in_recovery()` is false, polled: writes can resume before the harness sees it, hence "
				+ "negative times from the promotion); the state file still names the dead primary. Times are to the "
				+ "end of the first write committed on the promoted server. Then the file is brought up to date and "
				+ "a new standby added for the next round. The peer is a plain HikariCP pool (defaults) on "
				+ "`jdbc:postgresql://localhost:<primary>,localhost:<standby>/app?targetServerType=primary` "
				+ "(pgjdbc defaults, so `hostRecheckSeconds=10`); it names the hosts `localhost` so that pgjdbc's "
				+ "JVM-wide host status cache does not share what the starter's pool learned about `127.0.0.1`.");
		this.report.table("DataSource", "n", "p50 from kill", "max from kill", "p50 from promotion",
				"max from promotion", "failed writes");
		this.report.row("starter (defaults: host-recheck 2 s)", starterFromKill.count(),
				Samples.ms(starterFromKill.p50()), Samples.ms(starterFromKill.max()),
				Samples.ms(starterFromPromotion.p50()), Samples.ms(starterFromPromotion.max()), starterFailures);
		this.report.row("pgjdbc multi-host URL, plain HikariCP", peerFromKill.count(), Samples.ms(peerFromKill.p50()),
				Samples.ms(peerFromKill.max()), Samples.ms(peerFromPromotion.p50()),
				Samples.ms(peerFromPromotion.max()), peerFailures);
		this.report.row("(the harness: kill until the processes are gone)", killing.count(), Samples.ms(killing.p50()),
				Samples.ms(killing.max()), "", "", "");
		this.report.row("(the harness: kill until promoted)", promotion.count(), Samples.ms(promotion.p50()),
				Samples.ms(promotion.max()), "", "", "");
		if (timeouts > 0) {
			this.report.line("\n" + timeouts + " times writes did not resume within 90 s.");
		}
		this.report.verdict("writes resume < 5 s after the kill with default settings (starter, worst round)",
				timeouts == 0 && starterFromKill.count() == this.sizes.failovers() && starterFromKill.max() < 5000,
				"max " + Samples.ms(starterFromKill.max()) + ", p50 " + Samples.ms(starterFromKill.p50())
						+ "; pgjdbc multi-host URL max " + Samples.ms(peerFromKill.max()) + ", ratio of p50s "
						+ Report.ratio(peerFromKill.p50(), starterFromKill.p50()));
		return "starter from kill p50 " + Samples.ms(starterFromKill.p50()) + " max "
				+ Samples.ms(starterFromKill.max()) + "; peer p50 " + Samples.ms(peerFromKill.p50()) + " max "
				+ Samples.ms(peerFromKill.max());
	}

	private static int add(long reached, long killed, long promoted, Samples fromKill, Samples fromPromotion) {
		if (reached < 0) {
			return 1;
		}
		fromKill.addNanos(reached - killed);
		fromPromotion.addNanos(reached - promoted);
		return 0;
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
