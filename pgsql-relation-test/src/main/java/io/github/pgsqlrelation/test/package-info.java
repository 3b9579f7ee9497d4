/**
 * Real PostgreSQL clusters (a primary and streaming standbys) and relation state files,
 * for testing applications that use the pgsql relation.
 */
@NullMarked
package io.github.pgsqlrelation.test;

import org.jspecify.annotations.NullMarked;
