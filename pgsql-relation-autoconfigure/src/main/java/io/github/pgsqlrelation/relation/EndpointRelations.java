package io.github.pgsqlrelation.relation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The relations of one endpoint, each as its interface's rules see it, and the effective
 * snapshot the application routes by (empty unless exactly one relation is ready).
 *
 * @param endpoint the local endpoint name
 * @param relations one snapshot per relation on the endpoint, by relation id
 * @param effective what the application uses
 * @param effectiveEntry the entry whose snapshot is in force, {@code null} unless the
 * effective snapshot is ready; its interface may add events of its own
 */
public record EndpointRelations(String endpoint, List<RelationSnapshot> relations, RelationSnapshot effective,
		@Nullable RelationEntry effectiveEntry) {

	public EndpointRelations {
		relations = List.copyOf(relations);
		if (!effective.readiness().isReady()) {
			effectiveEntry = null;
		}
	}

	/** Creates the state of an endpoint whose interface adds no events of its own. */
	public EndpointRelations(String endpoint, List<RelationSnapshot> relations, RelationSnapshot effective) {
		this(endpoint, relations, effective, null);
	}

	@Override
	public String toString() {
		// An entry holds what the state file holds, passwords included: only snapshots,
		// which mask them, are shown
		return "EndpointRelations[endpoint=" + this.endpoint + ", relations=" + this.relations + ", effective="
				+ this.effective + "]";
	}

	/** Returns the state of an endpoint that has no relation, for the given reason. */
	public static EndpointRelations none(String endpoint, String reason) {
		return new EndpointRelations(endpoint, List.of(),
				RelationSnapshot.empty(endpoint, Readiness.noRelation(reason)));
	}

}
