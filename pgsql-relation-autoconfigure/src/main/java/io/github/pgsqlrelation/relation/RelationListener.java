package io.github.pgsqlrelation.relation;

/**
 * A consumer of the library's own (the routing {@code DataSource}, the application's
 * readiness) that applies every change of the relation before any application hears of
 * it. The source of changes calls its listeners in order, then publishes the change's
 * {@link RelationEvent events}; a listener is also called once with the current snapshot
 * when it subscribes.
 */
@FunctionalInterface
public interface RelationListener {

	/**
	 * Applies what the endpoint hands out now. Called on the source's thread, one call at
	 * a time; the same snapshot may come twice, and applying it again must change
	 * nothing.
	 * @param snapshot the endpoint's effective snapshot, never {@code null}
	 */
	void relationChanged(RelationSnapshot snapshot);

}
