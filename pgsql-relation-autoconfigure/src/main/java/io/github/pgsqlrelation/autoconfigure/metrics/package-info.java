/**
 * Micrometer metrics of the pgsql relation and of its connection pools.
 */
@NullMarked
package io.github.pgsqlrelation.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
