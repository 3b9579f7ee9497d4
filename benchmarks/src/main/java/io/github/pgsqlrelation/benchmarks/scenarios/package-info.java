/**
 * Scenarios against the alternatives: a Spring Boot application using the starter on real
 * PostgreSQL clusters, timed against a restart with a new URL and against pgjdbc's own
 * multi-host URL; run by
 * {@link io.github.pgsqlrelation.benchmarks.scenarios.ScenarioRunner}.
 */
@NullMarked
package io.github.pgsqlrelation.benchmarks.scenarios;

import org.jspecify.annotations.NullMarked;
