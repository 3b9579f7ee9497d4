package io.github.pgsqlrelation.relation.pgsql;

import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;

/**
 * A relation in the {@code raw} shape: the bags as Juju returns them, to which the
 * protocol's readiness rules still have to be applied.
 *
 * @param ref the relation
 * @param localUnit the local unit's name
 * @param localUnitData the local unit's own bag
 * @param requested what the client's leader requested
 * @param bags the remote bags in search order: the application bag first (when present),
 * then the units in natural name order
 */
record RawRelation(RelationRef ref, String localUnit, Map<String, String> localUnitData, Requested requested,
		List<Bag> bags) implements RelationEntry {

	RawRelation {
		localUnitData = Map.copyOf(localUnitData);
		bags = List.copyOf(bags);
	}

	@Override
	public RelationSnapshot snapshot() {
		return PgsqlProtocol.snapshot(this);
	}

}
