package io.github.pgsqlrelation.relation.statefile;

import java.time.Instant;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * What is known of an endpoint's relation from its state file: the relations in force,
 * when they last changed, and the last problem with the file (cleared by the next good
 * read).
 *
 * @param relations the endpoint's relations in force
 * @param lastChange when they last changed, {@code null} before the first change
 * @param problem the last problem reading the file, {@code null} when the last read was
 * good; never holds a password
 * @param problemTime when the problem was seen, {@code null} without a problem
 */
public record RelationStatus(EndpointRelations relations, @Nullable Instant lastChange, @Nullable String problem,
		@Nullable Instant problemTime) {

	/** Returns what the endpoint hands out: the effective snapshot of its relations. */
	public RelationSnapshot effective() {
		return this.relations.effective();
	}

	static RelationStatus initial(EndpointRelations relations) {
		return new RelationStatus(relations, null, null, null);
	}

	RelationStatus changedTo(EndpointRelations next, @Nullable Instant changeTime) {
		return new RelationStatus(next, changeTime, null, null);
	}

}
