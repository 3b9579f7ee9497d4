/**
 * The Spring-free, interface-neutral relation model: snapshots, readiness, the events
 * derived from relation changes, and the extension points each Juju interface's package
 * implements ({@link io.github.pgsqlrelation.relation.RelationEntryReader}).
 */
@NullMarked
package io.github.pgsqlrelation.relation;

import org.jspecify.annotations.NullMarked;
