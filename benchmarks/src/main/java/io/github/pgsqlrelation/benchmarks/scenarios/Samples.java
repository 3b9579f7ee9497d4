package io.github.pgsqlrelation.benchmarks.scenarios;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Measured durations, in milliseconds, with nearest-rank percentiles.
 */
final class Samples {

	private final List<Double> millis = new ArrayList<>();

	void addNanos(long nanos) {
		this.millis.add(nanos / 1_000_000.0);
	}

	int count() {
		return this.millis.size();
	}

	double percentile(double p) {
		if (this.millis.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(this.millis);
		Collections.sort(sorted);
		int rank = (int) Math.ceil(p / 100.0 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

	double p50() {
		return percentile(50);
	}

	double p99() {
		return percentile(99);
	}

	double max() {
		return percentile(100);
	}

	double min() {
		return percentile(0);
	}

	static String ms(double millis) {
		if (Double.isNaN(millis)) {
			return "n/a";
		}
		double size = Math.abs(millis);
		return String.format(Locale.ROOT, (size < 10) ? "%.2f ms" : (size < 100) ? "%.1f ms" : "%.0f ms", millis);
	}

}
