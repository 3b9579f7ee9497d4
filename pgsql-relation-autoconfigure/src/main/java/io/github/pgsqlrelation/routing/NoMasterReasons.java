package io.github.pgsqlrelation.routing;

import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationSnapshot;

/** Says, in the user's words, why a snapshot hands out no master. */
final class NoMasterReasons {

	private NoMasterReasons() {
	}

	static String of(RelationSnapshot snapshot) {
		Readiness readiness = snapshot.readiness();
		String relation = (snapshot.relation() != null) ? "relation " + snapshot.relation() : "the relation";
		String detail = (readiness.reason() != null) ? ": " + readiness.reason() : "";
		return switch (readiness.status()) {
			case READY -> "the master of " + relation + " is gone";
			case NOT_READY -> relation + " is not ready" + detail;
			case AMBIGUOUS -> "the endpoint has more than one relation, so none is used" + detail;
			case NO_RELATION -> "the endpoint has no relation" + detail;
		};
	}

}
