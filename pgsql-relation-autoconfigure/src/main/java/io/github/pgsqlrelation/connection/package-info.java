/**
 * libpq connection strings (keyword=value and URI forms) and their mapping to the
 * PostgreSQL JDBC driver.
 */
@NullMarked
package io.github.pgsqlrelation.connection;

import org.jspecify.annotations.NullMarked;
