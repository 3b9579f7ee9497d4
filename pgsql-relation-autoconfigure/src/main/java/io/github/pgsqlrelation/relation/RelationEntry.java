package io.github.pgsqlrelation.relation;

import java.util.List;

import org.jspecify.annotations.Nullable;

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

	/**
	 * Returns the events of this entry's own Juju interface that lead to it, published
	 * after the interface-neutral events of the same change; called only while this
	 * entry's relation is in force (the endpoint's only relation, and ready).
	 * @param previous the entry that was in force before, {@code null} when none was (the
	 * endpoint had no ready relation); may be of another relation or interface
	 * @param snapshot the effective snapshot the events carry
	 * @return the events in order; none by default
	 */
	default List<RelationEvent> eventsSince(@Nullable RelationEntry previous, RelationSnapshot snapshot) {
		return List.of();
	}

}
