/**
 * JMH benchmarks: the routing hot path against a real primary with two standbys, the
 * refresh path (state file, readiness, events, connection strings), the refresh of the
 * pools and the start-up of an application, each against a baseline from the same run;
 * {@link io.github.pgsqlrelation.benchmarks.JmhRatios} turns a result file into a table
 * of ratios.
 */
@NullMarked
package io.github.pgsqlrelation.benchmarks;

import org.jspecify.annotations.NullMarked;
