/**
 * Actuator endpoint that shows the pgsql relation as the application sees it.
 */
@NullMarked
package io.github.pgsqlrelation.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
