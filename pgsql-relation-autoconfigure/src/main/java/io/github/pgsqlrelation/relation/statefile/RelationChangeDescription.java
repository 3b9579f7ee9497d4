package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.RelationSnapshot;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.jspecify.annotations.Nullable;

/**
 * One log line per topology change: where the master and the standbys are, never
 * credentials.
 */
final class RelationChangeDescription {

	private RelationChangeDescription() {
	}

	static String describe(EndpointRelations previous, EndpointRelations next) {
		RelationSnapshot before = previous.effective();
		RelationSnapshot after = next.effective();
		StringBuilder line = new StringBuilder("Relation on endpoint '").append(next.endpoint()).append("': ");
		if (after.readiness().isReady()) {
			line.append("ready (").append(after.relation()).append(")");
		}
		else {
			line.append(after.readiness().status().name().toLowerCase().replace('_', ' '))
				.append(": ")
				.append(after.readiness().reason());
		}
		line.append("; master ").append(address(after.master()));
		if (!Objects.equals(before.master(), after.master())) {
			line.append(change(address(before.master()), address(after.master())));
		}
		line.append("; standbys ").append(addresses(after.standbys()));
		if (!before.standbys().equals(after.standbys())) {
			line.append(change(addresses(before.standbys()), addresses(after.standbys())));
		}
		return line.toString();
	}

	/**
	 * Same addresses, other connection strings: a rotated password, a new CA, a setting.
	 */
	private static String change(String before, String after) {
		return before.equals(after) ? " (credentials or connection settings changed)" : " (was " + before + ")";
	}

	static String address(@Nullable ConnectionString connection) {
		if (connection == null) {
			return "none";
		}
		String host = connection.get("host");
		String port = connection.get("port");
		String database = connection.get("dbname");
		return ((host != null) ? host : "localhost") + ((port != null) ? ":" + port : "")
				+ ((database != null) ? "/" + database : "");
	}

	private static String addresses(List<ConnectionString> connections) {
		return connections.stream().map(RelationChangeDescription::address).collect(Collectors.joining(", ", "[", "]"));
	}

}
