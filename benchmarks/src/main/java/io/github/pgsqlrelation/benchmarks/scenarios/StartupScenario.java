package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * Scenario 6, start-up: what the starter adds to an application's cold start, against
 * plain Spring Boot with one DataSource, and against the floor of what any application
 * following the state file adds ({@link StartupFloor}), in rounds of fresh JVMs.
 * <p>
 * Each start is {@link StartupApplication} in its own JVM: {@code SpringApplication.run},
 * the first query and the close, as an application that starts, serves and stops. With
 * the starter it follows a state file naming a primary and one standby (two pools); plain
 * Spring Boot gets {@code spring.datasource.url} to the same primary, the starter's jar
 * on its class path and its auto-configurations excluded; the floor is plain Spring Boot
 * that also reads the file and starts a second pool. The three run one after the other,
 * each first, second and third in turn, so that what the machine is doing in the meantime
 * weighs on all: a figure is the median of the differences within rounds, with its 95 %
 * confidence interval (the order statistics of a sign test), and the ratio of the
 * medians. The JVM's CPU time, all threads, is less sensitive to the wait for a core and
 * is reported alongside, and so is the time Spring's start-up recorder gives the creation
 * of the starter's own beans: the starter's own work on the main thread.
 * <p>
 * The rounds then run again with class data sharing, each kind with its own archive
 * (trained by one start of that kind), to show how much of the difference is class
 * loading; the target is checked against the rounds without it.
 */
final class StartupScenario {

	/** The target: at most this much more than plain Spring Boot. */
	private static final double TARGET_MILLIS = 50;

	private static final double TARGET_RATIO = 1.05;

	private final ScenarioSizes sizes;

	private final Report report;

	private final Path directory;

	StartupScenario(ScenarioSizes sizes, Report report, Path directory) {
		this.sizes = sizes;
		this.report = report;
		this.directory = directory;
	}

	String run() throws Exception {
		this.report.section("6. Start-up against plain Spring Boot");
		requireJarsOnly();
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
			cluster.awaitReplication();
			StateFile file = new StateFile(this.directory.resolve("startup.json"));
			file.write(cluster, cluster.primary(), cluster.standbys());
			List<String> plainProperties = List.of("spring.datasource.url=" + cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + cluster.user(),
					"spring.autoconfigure.exclude=" + String.join(",", starterAutoConfigurations()));
			Map<String, String> password = Map.of("SPRING_DATASOURCE_PASSWORD", cluster.password());
			List<String> floorProperties = new ArrayList<>(plainProperties);
			floorProperties.addAll(List.of("spring.main.sources=" + StartupFloor.class.getName(),
					"startup.floor.state-file=" + file.path(),
					"startup.floor.standby-url=" + cluster.standbys().get(0).jdbcUrl()));
			List<Start> kinds = List.of(
					new Start("starter", RelationRoutingDataSource.class,
							List.of("pgsql.relation.state-file=" + file.path()), Map.of()),
					new Start("floor", HikariDataSource.class, floorProperties, password),
					new Start("plain", HikariDataSource.class, plainProperties, password));
			// The first JVMs of the run read the class path from disk; no round pays
			// that.
			for (Start kind : kinds) {
				kind.once(List.of());
			}
			List<List<Timing>> timings = rounds(kinds, (kind) -> List.of());
			List<List<Timing>> shared = rounds(kinds, this::sharedArchive);
			return report(timings, shared);
		}
	}

	/**
	 * Fails before the first start when the rounds with class data sharing could not run.
	 */
	private static void requireJarsOnly() {
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			if (Files.isDirectory(Path.of(entry))) {
				throw new IllegalStateException("Class data sharing archives classes from jars only, and the class "
						+ "path holds the directory " + entry + ": run the scenarios from benchmarks.jar, as "
						+ "docs/benchmarks.md says");
			}
		}
	}

	/**
	 * Runs the rounds, each kind first, second and third in turn, each JVM with the given
	 * options, and returns the timings of each kind in the order of the kinds.
	 */
	private List<List<Timing>> rounds(List<Start> kinds, Function<Start, List<String>> jvmOptions) throws Exception {
		List<List<String>> options = new ArrayList<>();
		for (Start kind : kinds) {
			options.add(jvmOptions.apply(kind));
		}
		List<List<Timing>> timings = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		for (int round = 0; round < this.sizes.startups(); round++) {
			for (int i = 0; i < kinds.size(); i++) {
				int kind = (round + i) % kinds.size();
				timings.get(kind).add(kinds.get(kind).once(options.get(kind)));
			}
		}
		return timings;
	}

	/**
	 * Trains the kind's own class data sharing archive with one start, as Spring Boot's
	 * documentation describes for an application, and returns the option that uses it.
	 */
	private List<String> sharedArchive(Start kind) {
		Path archive = this.directory.resolve("startup-" + kind.name() + ".jsa");
		try {
			Files.deleteIfExists(archive);
			kind.once(List.of("-XX:ArchiveClassesAtExit=" + archive));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not train the class data sharing archive " + archive, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while training the class data sharing archive " + archive, ex);
		}
		if (!Files.isRegularFile(archive)) {
			throw new IllegalStateException("The JVM wrote no class data sharing archive at " + archive);
		}
		return List.of("-XX:SharedArchiveFile=" + archive);
	}

	/** Every auto-configuration the starter's jar declares, as Spring Boot finds them. */
	private static List<String> starterAutoConfigurations() {
		List<String> names = new ArrayList<>();
		ImportCandidates.load(AutoConfiguration.class, StartupScenario.class.getClassLoader()).forEach((name) -> {
			if (name.startsWith("io.github.pgsqlrelation.")) {
				names.add(name);
			}
		});
		return names;
	}

	private String report(List<List<Timing>> timings, List<List<Timing>> shared) {
		List<Timing> routed = timings.get(0);
		List<Timing> plain = timings.get(2);
		Difference starter = new Difference(routed, plain, Timing::totalMillis);
		double ratio = median(values(routed, Timing::totalMillis)) / median(values(plain, Timing::totalMillis));
		this.report.paragraph(routed.size() + " rounds of three cold starts, each in a fresh JVM (`"
				+ StartupApplication.class.getName() + "`), each kind first, second and third in turn: "
				+ "`SpringApplication.run` of an application with nothing but auto-configuration, `SELECT 1` "
				+ "through its `JdbcTemplate`, and the close. With the starter: a state file naming a primary and "
				+ "one standby (two pools). Plain Spring Boot: `spring.datasource.url` to the same primary, the "
				+ "starter's auto-configurations excluded. The floor: plain Spring Boot plus the least an "
				+ "application following the file must do at start-up (`" + StartupFloor.class.getSimpleName()
				+ "`: read the file with Jackson's streaming parser, start a second HikariCP pool for the "
				+ "standby that, like the starter's while the application starts, keeps no idle connection). "
				+ "Each cell gives the quartiles (p25 / p50 / p75); a difference is the median of the "
				+ "differences within rounds.");
		table(timings);
		Difference least = new Difference(timings.get(1), plain, Timing::totalMillis);
		this.report.paragraph("The same rounds again, each kind with its own class data sharing archive "
				+ "(`-XX:SharedArchiveFile`, trained by one start of that kind with `-XX:ArchiveClassesAtExit`, "
				+ "as Spring Boot's documentation describes for faster starts): the JVM maps the classes a start "
				+ "loads, parsed and verified, instead of loading them from the jar.");
		table(shared);
		Difference sharedStarter = new Difference(shared.get(0), shared.get(2), Timing::totalMillis);
		boolean undecided = starter.low() <= TARGET_MILLIS && starter.high() > TARGET_MILLIS;
		String measured = String.format(Locale.ROOT,
				"%+.0f ms, %.3fx; %.1f %% interval %+.0f to %+.0f ms%s; floor %+.0f ms; with class data sharing "
						+ "%+.0f ms (%+.0f to %+.0f ms)",
				starter.median(), ratio, starter.confidence() * 100, starter.low(), starter.high(),
				undecided ? ", which spans the target: this run cannot tell" : "", least.median(),
				sharedStarter.median(), sharedStarter.low(), sharedStarter.high());
		return this.report.verdict("the starter adds at most 50 ms (1.05x) to a cold start and first query",
				starter.median() <= TARGET_MILLIS && ratio <= TARGET_RATIO, measured);
	}

	/** Writes the table of one set of rounds and its summary. */
	private void table(List<List<Timing>> timings) {
		List<Timing> routed = timings.get(0);
		List<Timing> floor = timings.get(1);
		List<Timing> plain = timings.get(2);
		Difference starter = new Difference(routed, plain, Timing::totalMillis);
		Difference least = new Difference(floor, plain, Timing::totalMillis);
		this.report.table("Measurement", "with the starter", "floor", "plain Spring Boot", "starter − plain",
				"floor − plain");
		row("run", routed, floor, plain, Timing::runMillis);
		row("of which: creating the starter's beans (Spring's start-up recorder)", routed, floor, plain,
				Timing::starterBeansMillis);
		row("first query", routed, floor, plain, Timing::queryMillis);
		row("close", routed, floor, plain, Timing::closeMillis);
		row("run, first query and close", routed, floor, plain, Timing::totalMillis);
		row("the JVM's CPU time, all threads, from its launch", routed, floor, plain, Timing::cpuMillis);
		this.report.line("");
		double ratio = median(values(routed, Timing::totalMillis)) / median(values(plain, Timing::totalMillis));
		double floorRatio = median(values(floor, Timing::totalMillis)) / median(values(plain, Timing::totalMillis));
		this.report.paragraph(String.format(Locale.ROOT,
				"Run, first query and close, against plain Spring Boot: the starter %s (%.1f %% confidence interval "
						+ "%s to %s), ratio of the medians %.3f; the floor %s (%s to %s), ratio %.3f.",
				signed(starter.median()), starter.confidence() * 100, signed(starter.low()), signed(starter.high()),
				ratio, signed(least.median()), signed(least.low()), signed(least.high()), floorRatio));
	}

	private void row(String name, List<Timing> routed, List<Timing> floor, List<Timing> plain,
			ToDoubleFunction<Timing> measure) {
		this.report.row(name, quartiles(values(routed, measure)), quartiles(values(floor, measure)),
				quartiles(values(plain, measure)), signed(new Difference(routed, plain, measure).median()),
				signed(new Difference(floor, plain, measure).median()));
	}

	private static double[] values(List<Timing> timings, ToDoubleFunction<Timing> measure) {
		return timings.stream().mapToDouble(measure).toArray();
	}

	private static String quartiles(double[] values) {
		Percentile percentile = new Percentile();
		percentile.setData(values);
		return Samples.ms(percentile.evaluate(25)) + " / " + Samples.ms(percentile.evaluate(50)) + " / "
				+ Samples.ms(percentile.evaluate(75));
	}

	private static double median(double[] values) {
		return new Percentile().evaluate(values, 50);
	}

	private static String signed(double millis) {
		return ((millis > 0) ? "+" : "") + Samples.ms(millis);
	}

	/**
	 * The median of the differences within rounds and its distribution-free confidence
	 * interval: the k-th smallest and k-th largest difference, k the largest the sign
	 * test's binomial distribution allows for 95 %. Below 6 rounds no k does, and the
	 * interval is the smallest and largest difference, with less confidence.
	 *
	 * @param confidence the interval's confidence, 0 to 1
	 */
	private record Difference(double median, double low, double high, double confidence) {

		Difference(List<Timing> subject, List<Timing> baseline, ToDoubleFunction<Timing> measure) {
			this(differences(subject, baseline, measure));
		}

		private Difference(double[] differences) {
			this(differences, outside(differences.length));
		}

		private Difference(double[] differences, int outside) {
			this(StartupScenario.median(differences), sorted(differences)[outside],
					sorted(differences)[differences.length - 1 - outside],
					1 - 2 * new BinomialDistribution(null, differences.length, 0.5).cumulativeProbability(outside));
		}

		/** How many differences lie below the interval, and as many above. */
		private static int outside(int n) {
			int k = new BinomialDistribution(null, n, 0.5).inverseCumulativeProbability(0.025);
			return Math.max(0, k - 1);
		}

		private static double[] sorted(double[] values) {
			double[] sorted = values.clone();
			Arrays.sort(sorted);
			return sorted;
		}

		private static double[] differences(List<Timing> subject, List<Timing> baseline,
				ToDoubleFunction<Timing> measure) {
			double[] differences = new double[subject.size()];
			for (int i = 0; i < differences.length; i++) {
				differences[i] = measure.applyAsDouble(subject.get(i)) - measure.applyAsDouble(baseline.get(i));
			}
			return differences;
		}

	}

	/** One kind of application, started in a fresh JVM each time. */
	private record Start(String name, Class<?> dataSource, List<String> properties, Map<String, String> environment) {

		private static final long START_TIMEOUT_SECONDS = 120;

		private static void removeShutdownHook(Thread hook) {
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// The run is being stopped: the hook ends the process.
			}
		}

		Timing once(List<String> jvmOptions) throws IOException, InterruptedException {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(jvmOptions);
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupApplication.class.getName(),
					this.dataSource.getName()));
			command.addAll(this.properties);
			ProcessBuilder builder = new ProcessBuilder(command);
			builder.environment().putAll(this.environment);
			builder.redirectErrorStream(true);
			Process process = builder.start();
			// Ended with the run, stopped or not, and ended when it hangs without a word.
			Thread endWithRun = new Thread(process::destroyForcibly);
			Runtime.getRuntime().addShutdownHook(endWithRun);
			CompletableFuture.delayedExecutor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.execute(process::destroyForcibly);
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				List<String> lines = new ArrayList<>();
				String line;
				while ((line = output.readLine()) != null) {
					lines.add(line);
					if (line.startsWith(StartupApplication.RESULT + " ")) {
						String[] fields = line.split(" ");
						if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
							throw new IllegalStateException(
									"The application did not exit within " + START_TIMEOUT_SECONDS + " s");
						}
						return new Timing(Long.parseLong(fields[1]), Long.parseLong(fields[2]),
								Long.parseLong(fields[3]), Long.parseLong(fields[4]), Long.parseLong(fields[5]));
					}
				}
				throw new IllegalStateException(
						"The application (" + this.dataSource.getSimpleName() + ") ended, or was ended after "
								+ START_TIMEOUT_SECONDS + " s, without a result: " + String.join("\n", lines));
			}
			finally {
				process.destroyForcibly();
				removeShutdownHook(endWithRun);
			}
		}

	}

	/**
	 * One start's phases, its CPU time and the creation of the starter's beans, in
	 * nanoseconds.
	 */
	private record Timing(long run, long query, long close, long cpu, long starterBeans) {

		double runMillis() {
			return this.run / 1e6;
		}

		double queryMillis() {
			return this.query / 1e6;
		}

		double closeMillis() {
			return this.close / 1e6;
		}

		double totalMillis() {
			return (this.run + this.query + this.close) / 1e6;
		}

		double cpuMillis() {
			return this.cpu / 1e6;
		}

		double starterBeansMillis() {
			return this.starterBeans / 1e6;
		}

	}

}
