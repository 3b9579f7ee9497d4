package io.github.pgsqlrelation.benchmarks.scenarios;

/**
 * How much each scenario does, from system properties ({@code -Dscenarios.switchovers=5}
 * for a quick run); the defaults are what docs/benchmarks.md reports.
 *
 * @param masterChanges hot refresh: how many times the state file names another master;
 * 100 by default, so that the p99 (nearest rank) is not the single largest value, as it
 * is of 50
 * @param standbyAdditions hot refresh: how many times a standby joins the relation
 * @param restarts the baseline: how many fresh JVMs are started with a new URL
 * @param failovers unplanned failovers with a stale state file, per series
 * @param failoverDelayMillis the second series of failovers promotes this long after the
 * kill, as a charm's failover takes time (0: no second series)
 * @param loadSwitchovers planned switchovers under load, per sequence
 * @param loadClients concurrent clients during the switchovers
 * @param loadThinkMillis pause of each client between two transactions
 * @param reads read-only transactions per read distribution run
 * @param startups start-up: rounds of three cold starts (with the starter, the floor,
 * plain Spring Boot)
 */
record ScenarioSizes(int masterChanges, int standbyAdditions, int restarts, int failovers, int failoverDelayMillis,
		int loadSwitchovers, int loadClients, int loadThinkMillis, int reads, int startups) {

	static ScenarioSizes fromSystemProperties() {
		return new ScenarioSizes(get("scenarios.switchovers", 100), get("scenarios.standbyAdditions", 100),
				get("scenarios.restarts", 10), get("scenarios.failovers", 5),
				get("scenarios.failoverDelayMillis", 3000), get("scenarios.loadSwitchovers", 20),
				get("scenarios.loadClients", 32), get("scenarios.loadThinkMillis", 5), get("scenarios.reads", 10_000),
				positive("scenarios.startups", 20));
	}

	private static int positive(String name, int defaultValue) {
		int value = get(name, defaultValue);
		if (value < 1) {
			throw new IllegalArgumentException("System property " + name + " must be at least 1, was " + value);
		}
		return value;
	}

	private static int get(String name, int defaultValue) {
		String value = System.getProperty(name);
		if (value == null || value.isBlank()) {
			return defaultValue;
		}
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("System property " + name + " must be an integer, was '" + value + "'",
					ex);
		}
	}

}
