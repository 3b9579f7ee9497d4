/**
 * Health of the pgsql relation and of each backend it routes to.
 */
@NullMarked
package io.github.pgsqlrelation.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
