package io.github.pgsqlrelation.routing;

import java.util.List;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.jspecify.annotations.Nullable;

/** Builds what the relation core would publish, straight from a test cluster. */
final class Relations {

	static final String ENDPOINT = "db";

	static final RelationRef RELATION = new RelationRef(ENDPOINT, 7, "postgresql");

	private Relations() {
	}

	/** Small pools that keep no idle connection and give up quickly. */
	static HikariConfig poolTemplate() {
		HikariConfig template = new HikariConfig();
		template.setMinimumIdle(0);
		template.setMaximumPoolSize(4);
		template.setConnectionTimeout(2000);
		return template;
	}

	static ConnectionString connectionString(PostgresNode node) {
		return ConnectionString.parse(node.connectionString());
	}

	static RelationSnapshot snapshot(@Nullable ConnectionString master, List<ConnectionString> standbys) {
		return new RelationSnapshot(ENDPOINT, RELATION, master, standbys, "app", "15", Readiness.READY);
	}

	static RelationSnapshot snapshot(PostgresCluster cluster) {
		return snapshot(connectionString(cluster.primary()), standbys(cluster.standbys().stream()));
	}

	static List<ConnectionString> standbys(Stream<PostgresNode> nodes) {
		return nodes.map(Relations::connectionString).toList();
	}

	/** Applies a snapshot as the state file watcher does. */
	static void publish(RelationRoutingDataSource dataSource, RelationSnapshot snapshot) {
		dataSource.relationChanged(snapshot);
	}

}
