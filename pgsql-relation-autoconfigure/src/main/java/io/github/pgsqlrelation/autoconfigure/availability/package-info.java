/**
 * Application readiness that follows the pgsql relation's master.
 */
@NullMarked
package io.github.pgsqlrelation.autoconfigure.availability;

import org.jspecify.annotations.NullMarked;
