package io.github.pgsqlrelation.relation;

/**
 * One entry of the state file's {@code relations} array, in either shape.
 */
sealed interface StateRelation permits RawRelation, ResolvedRelation {

	RelationRef ref();

}
