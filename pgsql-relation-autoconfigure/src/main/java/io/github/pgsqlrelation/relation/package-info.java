/**
 * The Spring-free core: the relation state file, the rules of the {@code pgsql} protocol
 * and the events derived from relation changes.
 */
@NullMarked
package io.github.pgsqlrelation.relation;

import org.jspecify.annotations.NullMarked;
