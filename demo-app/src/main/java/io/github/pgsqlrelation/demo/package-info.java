/**
 * A small web application that uses the pgsql relation starter on a local primary and two
 * standbys, and plays the charm: it rewrites the relation state file as the cluster
 * changes.
 */
@NullMarked
package io.github.pgsqlrelation.demo;

import org.jspecify.annotations.NullMarked;
