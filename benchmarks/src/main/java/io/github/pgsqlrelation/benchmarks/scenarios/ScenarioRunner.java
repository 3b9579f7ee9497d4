package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.pgsqlrelation.test.PostgresCluster;

/**
 * Runs the scenarios of docs/benchmarks.md ("Scenarios against the alternatives") on real
 * PostgreSQL clusters and writes the Markdown report.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.pgsqlrelation.benchmarks.scenarios.ScenarioRunner [report.md]}
 * (default {@code target/results/scenarios.md}, relative to the working directory): the
 * shaded jar, since the start-up scenario's class data sharing archives classes from jars
 * only. Sizes come from system properties, before {@code -cp} (see
 * {@link ScenarioSizes}); {@code -Dscenarios.only=hot,failover,load,reads,lag,startup}
 * runs some of them (e.g. {@code -Dscenarios.only=lag}). Every cluster and process is
 * stopped on the way out, failed or not.
 */
public final class ScenarioRunner {

	private static final List<String> SCENARIOS = List.of("hot", "failover", "load", "reads", "lag", "startup");

	private ScenarioRunner() {
	}

	public static void main(String[] args) throws Exception {
		ScenarioApplication.quiet();
		Path output = Path.of((args.length > 0) ? args[0] : "target/results/scenarios.md");
		ScenarioSizes sizes = ScenarioSizes.fromSystemProperties();
		Set<String> only = Arrays.stream(System.getProperty("scenarios.only", String.join(",", SCENARIOS)).split(","))
			.map(String::trim)
			.collect(Collectors.toSet());
		List<String> unknown = only.stream().filter((name) -> !SCENARIOS.contains(name)).sorted().toList();
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("System property scenarios.only names no scenario called " + unknown
					+ "; the scenarios are " + SCENARIOS);
		}
		Report report = new Report();
		Path directory = Files.createTempDirectory("pgsql-relation-scenarios");
		long started = System.nanoTime();
		Map<String, String> outcomes = new LinkedHashMap<>();
		String postgresVersion = postgresVersion();
		try {
			run("hot", only, outcomes, report, () -> new HotRefreshScenario(sizes, report, directory).run());
			run("failover", only, outcomes, report, () -> new FailoverScenario(sizes, report, directory).run());
			run("load", only, outcomes, report, () -> new SwitchoverUnderLoadScenario(sizes, report, directory).run());
			run("reads", only, outcomes, report, () -> new ReadDistributionScenario(sizes, report, directory).run());
			run("lag", only, outcomes, report, () -> new ReplicationLagScenario(report, directory).run());
			run("startup", only, outcomes, report, () -> new StartupScenario(sizes, report, directory).run());
			report.write(output, postgresVersion, sizes, System.nanoTime() - started);
		}
		finally {
			delete(directory);
		}
		outcomes.forEach((name, outcome) -> System.out.println(name + ": " + outcome));
		System.out.println("Report: " + output.toAbsolutePath());
		// HikariCP and pgjdbc may leave non-daemon threads behind; every pool is closed
		System.exit(outcomes.values().stream().anyMatch((outcome) -> outcome.startsWith("FAILED")) ? 1 : 0);
	}

	private static void run(String name, Set<String> only, Map<String, String> outcomes, Report report,
			Scenario scenario) {
		if (!only.contains(name)) {
			return;
		}
		System.out.println("Scenario " + name + "...");
		report.sampleLoad("before " + name);
		long start = System.nanoTime();
		try {
			outcomes.put(name, scenario.run() + String.format(" (%.0f s)", (System.nanoTime() - start) / 1e9));
		}
		catch (Exception | AssertionError ex) {
			StringWriter trace = new StringWriter();
			ex.printStackTrace(new PrintWriter(trace));
			report.paragraph("**FAILED**: the scenario stopped with\n\n```\n" + trace + "```");
			outcomes.put(name, "FAILED: " + ex);
		}
	}

	private static String postgresVersion() {
		try (PostgresCluster cluster = PostgresCluster.start(0)) {
			return cluster.serverVersion();
		}
	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	@FunctionalInterface
	interface Scenario {

		String run() throws Exception;

	}

}
