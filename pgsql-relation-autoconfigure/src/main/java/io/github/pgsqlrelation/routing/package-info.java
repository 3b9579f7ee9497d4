/**
 * The routing {@code DataSource}: one pool per backend, writes to the master, read-only
 * transactions over the standbys.
 */
@NullMarked
package io.github.pgsqlrelation.routing;

import org.jspecify.annotations.NullMarked;
