/**
 * The relation state file: its envelope, the defensive loader, the pure tracker that
 * turns content into state and events, and the watcher that follows the file.
 */
@NullMarked
package io.github.pgsqlrelation.relation.statefile;

import org.jspecify.annotations.NullMarked;
