package io.github.pgsqlrelation.test;

/**
 * One relation of a relation state file, as {@link RelationStateFiles} writes it.
 */
public sealed interface StateFileRelation permits RawRelation, ResolvedRelation, PostgresqlClientRelation {

}
