package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown report: one section per scenario, each with its table, its ratio against
 * the baseline and PASS or MISS against its target.
 */
final class Report {

	private final StringBuilder text = new StringBuilder();

	private final List<String> verdicts = new ArrayList<>();

	private final List<String> loadAverages = new ArrayList<>();

	Report() {
		sampleLoad("start");
	}

	void sampleLoad(String when) {
		this.loadAverages.add(when + " " + loadAverage());
	}

	void section(String title) {
		this.text.append("\n## ").append(title).append("\n\n");
	}

	void line(String line) {
		this.text.append(line).append('\n');
	}

	void paragraph(String paragraph) {
		this.text.append(paragraph).append("\n\n");
	}

	void table(String... header) {
		this.text.append("\n| ").append(String.join(" | ", header)).append(" |\n|");
		this.text.append("---|".repeat(header.length)).append('\n');
	}

	void row(Object... cells) {
		this.text.append("| ");
		for (Object cell : cells) {
			this.text.append(cell).append(" | ");
		}
		this.text.setLength(this.text.length() - 1);
		this.text.append('\n');
	}

	/** Records a target and whether it was met; listed again in the summary. */
	String verdict(String target, boolean met, String measured) {
		String verdict = (met ? "PASS" : "MISS") + ": " + target + " (measured " + measured + ")";
		this.verdicts.add(verdict);
		this.text.append("\n**").append(verdict).append("**\n");
		return verdict;
	}

	static String ratio(double baseline, double measured) {
		return String.format(Locale.ROOT, "%.1fx", baseline / measured);
	}

	void write(Path file, String postgresVersion, ScenarioSizes sizes, long elapsedNanos) throws IOException {
		sampleLoad("end");
		StringBuilder report = new StringBuilder();
		report.append("# Scenarios against the alternatives\n\n");
		report.append("Run on ")
			.append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
			.append(" in ")
			.append(String.format(Locale.ROOT, "%.0f s", elapsedNanos / 1e9))
			.append(".\n\n");
		report.append("- cores: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
		report.append("- load average (1, 5, 15 min): ").append(String.join("; ", this.loadAverages)).append('\n');
		report.append("- JDK: ")
			.append(System.getProperty("java.vm.name"))
			.append(' ')
			.append(System.getProperty("java.runtime.version"))
			.append(" (")
			.append(System.getProperty("java.vendor"))
			.append(")\n");
		report.append("- OS: ")
			.append(System.getProperty("os.name"))
			.append(' ')
			.append(System.getProperty("os.version"))
			.append(' ')
			.append(System.getProperty("os.arch"))
			.append('\n');
		report.append("- PostgreSQL: ").append(postgresVersion).append(", every server on 127.0.0.1\n");
		report.append("- sizes: ").append(sizes).append("\n\n");
		report.append("## Summary\n\n");
		this.verdicts.forEach((verdict) -> report.append("- ").append(verdict).append('\n'));
		report.append(this.text);
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, report, StandardCharsets.UTF_8);
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + ", " + fields[1] + ", " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return String.format(Locale.ROOT, "%.2f",
					ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
		}
	}

}
