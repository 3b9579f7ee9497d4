package io.github.pgsqlrelation.relation;

import java.util.List;

/**
 * Derives the {@code pgsql} interface's events from two successive states of an endpoint, in the
 * order of the Python library.
 */
public final class RelationEvents {

	// STUB: to be implemented.

	private RelationEvents() {
	}

	public static List<RelationEvent> between(EndpointState previous, EndpointState current) {
		throw new UnsupportedOperationException("not yet implemented");
	}

}
