/**
 * Spring Boot auto-configuration for the pgsql relation.
 */
@NullMarked
package io.github.pgsqlrelation.autoconfigure;

import org.jspecify.annotations.NullMarked;
