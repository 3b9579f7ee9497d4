package io.github.pgsqlrelation.relation;

import java.util.List;

/**
 * The relations of one endpoint, each as its interface's rules see it, and the effective
 * snapshot the application routes by (empty unless exactly one relation is ready).
 *
 * @param endpoint the local endpoint name
 * @param relations one snapshot per relation on the endpoint, by relation id
 * @param effective what the application uses
 */
public record EndpointRelations(String endpoint, List<RelationSnapshot> relations, RelationSnapshot effective) {

	public EndpointRelations {
		relations = List.copyOf(relations);
	}

	/** Returns the state of an endpoint that has no relation, for the given reason. */
	public static EndpointRelations none(String endpoint, String reason) {
		return new EndpointRelations(endpoint, List.of(),
				RelationSnapshot.empty(endpoint, Readiness.noRelation(reason)));
	}

}
