package io.github.pgsqlrelation.relation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.connection.ConnectionString;

/**
 * Derives the relation events (named after the Python {@code pgsql} library's) from two
 * successive states of an endpoint, in the order of the Python library.
 * <p>
 * First a {@link DatabaseRelationJoinedEvent} for each new relation (by relation id).
 * Then the effective snapshots are compared: {@link MasterAvailableEvent} (none to some),
 * {@link MasterChangedEvent} (any change, to none included), {@link MasterGoneEvent}
 * (some to none), then the same three for standbys, then {@link DatabaseAvailableEvent}
 * if a master or standbys became available, {@link DatabaseChangedEvent} if either
 * changed, and {@link DatabaseGoneEvent} if something went and neither a master nor a
 * standby is left. Last a {@link DatabaseRelationBrokenEvent} for each relation that
 * went, carrying its last snapshot. The events of the effective relation's own interface
 * ({@link RelationEntry#eventsSince}) come after those of the effective snapshots, before
 * the broken events.
 * <p>
 * Deliberate differences from the Python library: it compares each relation with its own
 * previous state, while this compares what the endpoint hands out, which is nothing when
 * more than one relation exists; and it compares standbys as ordered lists, while this
 * compares them as sets, since servers reorder them between hooks with nothing else
 * changed. When a relation breaks, the comparison yields the same final changed and gone
 * events, in the same order, as the library emits before
 * {@code database_relation_broken}.
 */
public final class RelationEvents {

	private RelationEvents() {
	}

	/**
	 * Returns the events that lead from one state of an endpoint to the next, in order;
	 * none when nothing changed.
	 * @param previous the state before, {@link EndpointRelations#none} at start-up
	 * @param current the state now
	 * @return the events, each carrying {@code current}'s effective snapshot, except the
	 * joined and broken events, which carry the snapshot of their relation
	 */
	public static List<RelationEvent> between(EndpointRelations previous, EndpointRelations current) {
		List<RelationEvent> events = new ArrayList<>();
		Map<Integer, RelationSnapshot> before = byId(previous);
		Map<Integer, RelationSnapshot> after = byId(current);
		after.forEach((id, snapshot) -> {
			if (!before.containsKey(id)) {
				events.add(new DatabaseRelationJoinedEvent(snapshot));
			}
		});
		changes(previous.effective(), current.effective(), events);
		RelationEntry entry = current.effectiveEntry();
		if (entry != null) {
			events.addAll(entry.eventsSince(previous.effectiveEntry(), current.effective()));
		}
		before.forEach((id, snapshot) -> {
			if (!after.containsKey(id)) {
				events.add(new DatabaseRelationBrokenEvent(snapshot));
			}
		});
		return events;
	}

	private static void changes(RelationSnapshot previous, RelationSnapshot current, List<RelationEvent> events) {
		ConnectionString previousMaster = previous.master();
		ConnectionString currentMaster = current.master();
		Set<ConnectionString> previousStandbys = new HashSet<>(previous.standbys());
		Set<ConnectionString> currentStandbys = new HashSet<>(current.standbys());
		boolean available = false;
		boolean changed = false;
		boolean gone = false;
		if (previousMaster == null && currentMaster != null) {
			events.add(new MasterAvailableEvent(current));
			available = true;
		}
		if (!Objects.equals(previousMaster, currentMaster)) {
			events.add(new MasterChangedEvent(current));
			changed = true;
		}
		if (previousMaster != null && currentMaster == null) {
			events.add(new MasterGoneEvent(current));
			gone = true;
		}
		if (previousStandbys.isEmpty() && !currentStandbys.isEmpty()) {
			events.add(new StandbyAvailableEvent(current));
			available = true;
		}
		if (!previousStandbys.equals(currentStandbys)) {
			events.add(new StandbyChangedEvent(current));
			changed = true;
		}
		if (!previousStandbys.isEmpty() && currentStandbys.isEmpty()) {
			events.add(new StandbyGoneEvent(current));
			gone = true;
		}
		if (available) {
			events.add(new DatabaseAvailableEvent(current));
		}
		if (changed) {
			events.add(new DatabaseChangedEvent(current));
		}
		if (gone && currentMaster == null && currentStandbys.isEmpty()) {
			events.add(new DatabaseGoneEvent(current));
		}
	}

	private static Map<Integer, RelationSnapshot> byId(EndpointRelations state) {
		return state.relations()
			.stream()
			.filter((snapshot) -> snapshot.relation() != null)
			.sorted(Comparator.comparingInt((RelationSnapshot snapshot) -> snapshot.relation().id()))
			.collect(Collectors.toMap((snapshot) -> snapshot.relation().id(), Function.identity(), (a, b) -> a,
					LinkedHashMap::new));
	}

}
