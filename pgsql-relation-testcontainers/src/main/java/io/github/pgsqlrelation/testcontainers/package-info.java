/**
 * PostgreSQL clusters (a primary and streaming standbys) in containers, for tests, and
 * Spring Boot's {@code @ServiceConnection} for them.
 */
@NullMarked
package io.github.pgsqlrelation.testcontainers;

import org.jspecify.annotations.NullMarked;
