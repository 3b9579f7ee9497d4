package io.github.pgsqlrelation.relation;

/**
 * One entry of a relation state file's {@code relations} array, read by the reader of its
 * Juju interface, which also knows that interface's readiness rules.
 */
public interface RelationEntry {

	/** Returns the relation this entry is about. */
	RelationRef ref();

	/**
	 * Returns what the relation hands out by its interface's readiness rules; never
	 * {@code null}.
	 */
	RelationSnapshot snapshot();

}
