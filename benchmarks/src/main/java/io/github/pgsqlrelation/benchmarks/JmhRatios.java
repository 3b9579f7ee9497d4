package io.github.pgsqlrelation.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JMH result file ({@code -rf json}) and writes a Markdown table of every routed,
 * peer or scaled benchmark against its baseline from the same run, with the ratio of
 * their times and whether the target is met:
 * <ul>
 * <li>a benchmark whose name contains {@code Routed} (through the starter's DataSource)
 * or {@code MultiHost} (pgjdbc's multi-host URL on a plain pool) is compared with the one
 * whose name has {@code Direct} in its place, with the same parameters;</li>
 * <li>a benchmark with a {@code standbys} parameter is compared with itself at the
 * smallest number of standbys in the file.</li>
 * </ul>
 * In {@link RoutingBenchmarks}, a connection handed out and returned ({@code getClose…},
 * {@code …Checkout…}) must stay within 2 times its baseline, a transaction within 2 %.
 * Other pairs have no target. A routed or peer benchmark without its baseline in the file
 * is an error: the table would silently lack the comparison it was run for.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.github.pgsqlrelation.benchmarks.JmhRatios
 * jmh.json ratios.md}.
 */
public final class JmhRatios {

	private static final String BASELINE_TOKEN = "Direct";

	private static final List<String> SUBJECT_TOKENS = List.of("Routed", "MultiHost");

	private static final String SCALE_PARAMETER = "standbys";

	private JmhRatios() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 2) {
			System.err.println("Usage: JmhRatios <jmh-result.json> <ratios.md>");
			System.exit(2);
		}
		Path input = Path.of(args[0]);
		Path output = Path.of(args[1]);
		String table = table(read(input), input.toString());
		Path parent = output.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(output, table);
		System.out.print(table);
	}

	static List<Result> read(Path file) throws IOException {
		JsonNode root = JsonMapper.builder().build().readTree(Files.readString(file));
		if (!root.isArray()) {
			throw new IllegalArgumentException(file + " is not a JMH JSON result file (-rf json): no top-level array");
		}
		List<Result> results = new ArrayList<>();
		int index = 0;
		for (JsonNode benchmark : root) {
			results.add(Result.of(benchmark, file + "[" + index++ + "]"));
		}
		return results;
	}

	/**
	 * The Markdown table of all pairs; fails if a routed or peer benchmark lacks its
	 * baseline.
	 */
	static String table(List<Result> results, String source) {
		List<Pair> pairs = new ArrayList<>();
		List<String> missing = new ArrayList<>();
		for (Result result : results) {
			String baselineName = baselineName(result.method());
			if (baselineName != null) {
				Result baseline = find(results, result.className(), baselineName, result.mode(), result.params());
				if (baseline == null) {
					missing.add(result.label() + " needs " + baselineName + paramsLabel(result.params()));
				}
				else {
					pairs.add(new Pair(result, baseline, Target.of(result)));
				}
			}
			else if (result.params().containsKey(SCALE_PARAMETER)) {
				Result smallest = smallestScale(results, result);
				if (smallest != result) {
					pairs.add(new Pair(result, smallest, Target.NONE));
				}
			}
		}
		if (!missing.isEmpty()) {
			throw new IllegalStateException(
					"Baselines missing from " + source + " (run them in the same run): " + String.join("; ", missing));
		}
		if (pairs.isEmpty()) {
			throw new IllegalStateException("No routed, peer or scaled benchmark in " + source);
		}
		StringBuilder table = new StringBuilder();
		table.append(
				"| Benchmark | Baseline | Score | Baseline score | Difference | Ratio | Ratio range | Target | Met |\n");
		table.append("|---|---|---|---|---|---|---|---|---|\n");
		for (Pair pair : pairs) {
			table.append(pair.row()).append('\n');
		}
		table.append('\n')
			.append("Ratio: time of the benchmark / time of its baseline, both from this run (below 1: faster than ")
			.append("the baseline; for a throughput score, the inverse). Difference: score minus baseline score. ")
			.append("Ratio range: from the ends of both scores' 99.9 % confidence intervals (\"—\" without them). ")
			.append("\"within the error\": the range reaches across the target, so this run cannot tell.\n");
		return table.toString();
	}

	private static @Nullable String baselineName(String method) {
		for (String token : SUBJECT_TOKENS) {
			if (method.contains(token)) {
				return method.replace(token, BASELINE_TOKEN);
			}
		}
		return null;
	}

	private static @Nullable Result find(List<Result> results, String className, String method, String mode,
			Map<String, String> params) {
		return results.stream()
			.filter((candidate) -> candidate.className().equals(className) && candidate.method().equals(method)
					&& candidate.mode().equals(mode) && candidate.params().equals(params))
			.findFirst()
			.orElse(null);
	}

	private static Result smallestScale(List<Result> results, Result result) {
		return results.stream()
			.filter((candidate) -> candidate.className().equals(result.className())
					&& candidate.method().equals(result.method()) && candidate.mode().equals(result.mode())
					&& withoutScale(candidate.params()).equals(withoutScale(result.params()))
					&& candidate.params().containsKey(SCALE_PARAMETER))
			.min(Comparator.comparingDouble((candidate) -> Double.parseDouble(candidate.params().get(SCALE_PARAMETER))))
			.orElse(result);
	}

	private static Map<String, String> withoutScale(Map<String, String> params) {
		Map<String, String> others = new TreeMap<>(params);
		others.remove(SCALE_PARAMETER);
		return others;
	}

	private static String paramsLabel(Map<String, String> params) {
		if (params.isEmpty()) {
			return "";
		}
		List<String> entries = new ArrayList<>();
		params.forEach((name, value) -> entries.add(name + "=" + value));
		return " (" + String.join(", ", entries) + ")";
	}

	private static String number(double value) {
		if (Double.isNaN(value)) {
			return "?";
		}
		if (Double.isInfinite(value)) {
			return "∞";
		}
		double magnitude = Math.abs(value);
		String pattern = (magnitude >= 100) ? "%.0f" : (magnitude >= 10) ? "%.1f" : (magnitude >= 1) ? "%.2f" : "%.3f";
		return String.format(Locale.ROOT, pattern, value);
	}

	/** One benchmark's score, as JMH wrote it. */
	record Result(String className, String method, String mode, int threads, Map<String, String> params, double score,
			double error, String unit) {

		static Result of(JsonNode benchmark, String where) {
			String name = text(benchmark, "benchmark", where);
			int dot = name.lastIndexOf('.');
			JsonNode metric = benchmark.get("primaryMetric");
			if (dot < 0 || metric == null) {
				throw new IllegalArgumentException(where + " is not a JMH benchmark result: " + name);
			}
			String className = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
			Map<String, String> params = new TreeMap<>();
			JsonNode paramsNode = benchmark.get("params");
			if (paramsNode != null) {
				paramsNode.properties().forEach((entry) -> params.put(entry.getKey(), entry.getValue().asString()));
			}
			JsonNode threads = benchmark.get("threads");
			return new Result(className, name.substring(dot + 1), text(benchmark, "mode", where),
					(threads != null) ? threads.asInt() : 1, Collections.unmodifiableMap(params),
					decimal(metric, "score"), decimal(metric, "scoreError"),
					text(metric, "scoreUnit", where).replace("us/", "µs/"));
		}

		String label() {
			return this.className + "." + this.method + paramsLabel(this.params);
		}

		/**
		 * How many times slower than the other this one is, whatever JMH's mode: for
		 * throughput a higher score is faster.
		 */
		double timeRatio(double score, double baseline) {
			return "thrpt".equals(this.mode) ? baseline / score : score / baseline;
		}

		String scoreText() {
			String error = Double.isNaN(this.error) ? "" : " ± " + number(this.error);
			return number(this.score) + error + " " + this.unit;
		}

		private static String text(JsonNode node, String field, String where) {
			JsonNode value = node.get(field);
			if (value == null || value.isNull()) {
				throw new IllegalArgumentException(where + " has no '" + field + "'");
			}
			return value.asString();
		}

		// JMH writes "NaN" as a string when there is no error (a single measurement).
		private static double decimal(JsonNode node, String field) {
			JsonNode value = node.get(field);
			if (value == null || value.isNull()) {
				return Double.NaN;
			}
			if (value.isNumber()) {
				return value.doubleValue();
			}
			try {
				return Double.parseDouble(value.asString());
			}
			catch (NumberFormatException ex) {
				return Double.NaN;
			}
		}

	}

	/** The project's target for a pair, as the largest acceptable time ratio. */
	enum Target {

		TRANSACTION(1.02, "≤ 1.02 (2 %)"), GET_CLOSE(2.0, "≤ 2"), NONE(Double.NaN, "—");

		private final double limit;

		private final String text;

		Target(double limit, String text) {
			this.limit = limit;
			this.text = text;
		}

		static Target of(Result result) {
			if (!"RoutingBenchmarks".equals(result.className())) {
				return NONE;
			}
			boolean connectionOnly = result.method().startsWith("getClose") || result.method().contains("Checkout");
			return connectionOnly ? GET_CLOSE : TRANSACTION;
		}

	}

	record Pair(Result subject, Result baseline, Target target) {

		String row() {
			double ratio = this.subject.timeRatio(this.subject.score(), this.baseline.score());
			double low = Double.NaN;
			double high = Double.NaN;
			if (!Double.isNaN(this.subject.error()) && !Double.isNaN(this.baseline.error())) {
				double a = this.subject.timeRatio(Math.max(0, this.subject.score() - this.subject.error()),
						this.baseline.score() + this.baseline.error());
				double b = this.subject.timeRatio(this.subject.score() + this.subject.error(),
						Math.max(0, this.baseline.score() - this.baseline.error()));
				low = Math.min(a, b);
				high = Math.max(a, b);
			}
			String range = Double.isNaN(low) ? "—" : number(low) + " – " + number(high);
			return "| `" + this.subject.label() + "` | `" + this.baseline.method() + paramsLabel(this.baseline.params())
					+ "` | " + this.subject.scoreText() + " | " + this.baseline.scoreText() + " | " + difference()
					+ " | " + number(ratio) + " | " + range + " | " + this.target.text + " | "
					+ verdict(ratio, low, high) + " |";
		}

		/** What the benchmark adds to its baseline, in their unit. */
		private String difference() {
			if (!this.subject.unit().equals(this.baseline.unit())) {
				return "—";
			}
			double difference = this.subject.score() - this.baseline.score();
			return ((difference > 0) ? "+" : "") + number(difference) + " " + this.subject.unit();
		}

		private String verdict(double ratio, double low, double high) {
			if (this.target == Target.NONE) {
				return "—";
			}
			String met = (ratio <= this.target.limit) ? "yes" : "no";
			boolean undecided = !Double.isNaN(low) && low <= this.target.limit && this.target.limit < high;
			return undecided ? met + " (within the error)" : met;
		}

	}

}
