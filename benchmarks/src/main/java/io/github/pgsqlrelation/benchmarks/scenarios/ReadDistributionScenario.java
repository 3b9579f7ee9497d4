package io.github.pgsqlrelation.benchmarks.scenarios;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;

/**
 * Scenario 5, read distribution: the share of read-only transactions each standby serves,
 * through the starter and through pgjdbc's
 * {@code targetServerType=preferSecondary&loadBalanceHosts=true} in a plain HikariCP
 * pool.
 */
final class ReadDistributionScenario {

	private static final int THREADS = 4;

	private final ScenarioSizes sizes;

	private final Report report;

	private final Path directory;

	ReadDistributionScenario(ScenarioSizes sizes, Report report, Path directory) {
		this.sizes = sizes;
		this.report = report;
		this.directory = directory;
	}

	String run() throws Exception {
		this.report.section("5. Read distribution");
		this.report.paragraph(this.sizes.reads() + " read-only transactions (`SELECT inet_server_port()`, "
				+ "`TransactionTemplate` with `readOnly = true`) from " + THREADS + " threads per run. Servers: a "
				+ "primary and 3 standbys; the relation names 2, then 3 of them. The peer is a plain HikariCP pool "
				+ "(defaults: 10 connections) on `jdbc:postgresql://<every host>/app?targetServerType=preferSecondary"
				+ "&loadBalanceHosts=true` naming the primary and the same standbys. Target: each standby within 5 % "
				+ "(relative) of an equal share.");
		this.report.table("DataSource", "standbys", "reads", "share per standby", "on the primary", "worst deviation");
		StringBuilder summary = new StringBuilder();
		boolean starterMet = true;
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(3).start()) {
			StarterApp.createTables(cluster.primary());
			cluster.awaitReplication();
			StateFile file = new StateFile(this.directory.resolve("reads.json"));
			List<PostgresNode> all = cluster.standbys();
			file.write(cluster, cluster.primary(), all.subList(0, 2));
			try (StarterApp app = StarterApp.start(file.path(), Map.of())) {
				for (int count = 2; count <= 3; count++) {
					List<PostgresNode> standbys = all.subList(0, count);
					file.write(cluster, cluster.primary(), standbys);
					awaitRead(app.transactions(), standbys.get(count - 1).port());
					double deviation = distribution("starter", app.transactions(), cluster.primary(), standbys);
					starterMet &= deviation <= 0.05;
					summary.append("starter ").append(count).append(": ").append(percent(deviation)).append("; ");
				}
			}
			for (int count = 2; count <= 3; count++) {
				List<PostgresNode> standbys = all.subList(0, count);
				try (HikariDataSource peer = peer(cluster, standbys)) {
					double deviation = distribution("pgjdbc `preferSecondary&loadBalanceHosts`",
							StarterApp.Transactions.on(peer), cluster.primary(), standbys);
					summary.append("peer ").append(count).append(": ").append(percent(deviation)).append("; ");
				}
			}
		}
		this.report.verdict("through the starter, each standby within 5 % of an equal share (2 and 3 standbys)",
				starterMet, "worst relative deviation " + summary);
		return summary.toString();
	}

	private double distribution(String name, StarterApp.Transactions transactions, PostgresNode primary,
			List<PostgresNode> standbys) throws InterruptedException {
		Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();
		AtomicLong remaining = new AtomicLong(this.sizes.reads());
		AtomicLong failures = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			Thread thread = new Thread(() -> {
				while (remaining.getAndDecrement() > 0) {
					try {
						counts.computeIfAbsent(transactions.read(), (port) -> new LongAdder()).increment();
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
					}
				}
			}, "reader-" + i);
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		long total = counts.values().stream().mapToLong(LongAdder::sum).sum();
		double equal = 1.0 / standbys.size();
		double worst = 0;
		List<String> shares = new ArrayList<>();
		for (PostgresNode standby : standbys) {
			LongAdder count = counts.get(standby.port());
			double share = (count != null) ? (double) count.sum() / total : 0;
			worst = Math.max(worst, Math.abs(share - equal) / equal);
			shares.add(percent(share));
		}
		LongAdder onPrimary = counts.get(primary.port());
		this.report.row(name, standbys.size(), total + ((failures.get() > 0) ? " (" + failures + " failed)" : ""),
				String.join(" / ", shares), (onPrimary != null) ? onPrimary.sum() : 0, percent(worst));
		return worst;
	}

	private static void awaitRead(StarterApp.Transactions transactions, int port) throws InterruptedException {
		for (int i = 0; i < 10_000; i++) {
			try {
				if (transactions.read() == port) {
					return;
				}
			}
			catch (RuntimeException ex) {
				Thread.sleep(1);
			}
		}
		throw new IllegalStateException("Reads never reached port " + port);
	}

	private static HikariDataSource peer(PostgresCluster cluster, List<PostgresNode> standbys) {
		StringBuilder hosts = new StringBuilder("127.0.0.1:" + cluster.primary().port());
		standbys.forEach((standby) -> hosts.append(",127.0.0.1:").append(standby.port()));
		HikariDataSource peer = new HikariDataSource();
		peer.setPoolName("pgjdbc-load-balance");
		peer.setJdbcUrl("jdbc:postgresql://" + hosts + "/" + cluster.database()
				+ "?targetServerType=preferSecondary&loadBalanceHosts=true");
		peer.setUsername(cluster.user());
		peer.setPassword(cluster.password());
		return peer;
	}

	private static String percent(double value) {
		return String.format(Locale.ROOT, "%.1f %%", value * 100);
	}

}
