package io.github.pgsqlrelation.benchmarks;

import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingSettings;
import org.jspecify.annotations.Nullable;

/** What the relation core hands the routing, built directly. */
final class Relations {

	static final String ENDPOINT = "db";

	private static final RelationRef RELATION = new RelationRef(ENDPOINT, 7, "postgresql");

	private Relations() {
	}

	/** A routing DataSource with no pool yet, as the auto-configuration makes it. */
	static RelationRoutingDataSource routing(HikariConfig poolTemplate) {
		return new RelationRoutingDataSource(poolTemplate, RoutingSettings.defaults(), ENDPOINT);
	}

	static RelationSnapshot snapshot(@Nullable ConnectionString master, List<ConnectionString> standbys) {
		return new RelationSnapshot(ENDPOINT, RELATION, master, standbys, "app", "15", Readiness.READY);
	}

	/** Applies a snapshot as the state file watcher does. */
	static void publish(RelationRoutingDataSource dataSource, RelationSnapshot snapshot) {
		dataSource.relationChanged(snapshot);
	}

}
