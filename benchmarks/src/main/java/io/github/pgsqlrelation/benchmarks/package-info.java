/**
 * JMH benchmarks: the routing hot path against a real primary with two standbys, the
 * refresh path (state file, readiness, events, connection strings) and the refresh of the
 * pools.
 */
@NullMarked
package io.github.pgsqlrelation.benchmarks;

import org.jspecify.annotations.NullMarked;
