/**
 * The legacy {@code pgsql} Juju interface (endpoint usually {@code db}): its state file
 * entries, bags and readiness rules, ported from the Python {@code pgsql} charm library.
 */
@NullMarked
package io.github.pgsqlrelation.relation.pgsql;

import org.jspecify.annotations.NullMarked;
