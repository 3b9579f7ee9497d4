/**
 * Schema migrations (Flyway, Liquibase) on the relation's master, deferred while the
 * relation has none.
 */
@NullMarked
package io.github.pgsqlrelation.autoconfigure.migration;

import org.jspecify.annotations.NullMarked;
