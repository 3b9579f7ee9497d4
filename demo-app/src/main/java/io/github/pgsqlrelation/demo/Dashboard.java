package io.github.pgsqlrelation.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingTopology;
import io.github.pgsqlrelation.test.PostgresNode;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Takes the {@link DashboardView}: the relation from its events, the pools from the routing
 * DataSource, the rest from the load generator, the cluster and the charm.
 */
@Component
final class Dashboard {

	private static final int RECENT_READS_SHOWN = 12;

	private final RelationRoutingDataSource dataSource;

	private final RelationEventLog events;

	private final LoadGenerator load;

	private final DemoCluster cluster;

	private final CharmActions charm;

	Dashboard(RelationRoutingDataSource dataSource, RelationEventLog events, LoadGenerator load, DemoCluster cluster,
			CharmActions charm) {
		this.dataSource = dataSource;
		this.events = events;
		this.load = load;
		this.cluster = cluster;
		this.charm = charm;
	}

	DashboardView view() {
		DemoCluster.ClusterView nodes = this.cluster.view();
		RoutingTopology topology = this.dataSource.topology();
		List<NoteService.Served> recentReads = this.load.reads().recent();
		Map<String, Integer> readsByNode = new LinkedHashMap<>();
		nodes.nodes().forEach((node) -> readsByNode.put(node.name(), 0));
		recentReads.forEach((read) -> readsByNode.merge(nodeName(nodes, read.server().port()), 1, Integer::sum));
		LoadGenerator.Traffic writes = this.load.writes();
		LoadGenerator.Traffic reads = this.load.reads();
		return new DashboardView(Instant.now(), relation(nodes), topology.noMasterReason(), pools(nodes, topology),
				transaction(nodes, writes.last()), transaction(nodes, reads.last()),
				recentReads.stream()
					.limit(RECENT_READS_SHOWN)
					.map((read) -> nodeName(nodes, read.server().port()))
					.toList(),
				readsByNode,
				new DashboardView.Load(this.load.isEnabled(), writes.succeeded(), writes.retried(), writes.failed(),
						reads.succeeded(), reads.retried(), reads.failed(), this.load.lastFailure()),
				nodes.nodes()
					.stream()
					.map((node) -> new DashboardView.Node(node.name(), node.unitName(), address(node),
							nodes.role(node), node.isRunning()))
					.toList(),
				new DashboardView.Charm(this.charm.isBusy(), this.charm.log()),
				this.events.entries()
					.stream()
					.map((entry) -> new DashboardView.Event(entry.time(), entry.event().getClass().getSimpleName(),
							server(nodes, entry.event().master()), servers(nodes, entry.event().standbys()),
							entry.event().snapshot().readiness().status().name()))
					.toList());
	}

	private DashboardView.@Nullable Relation relation(DemoCluster.ClusterView nodes) {
		RelationSnapshot snapshot = this.events.latest();
		if (snapshot == null) {
			return null;
		}
		return new DashboardView.Relation(snapshot.endpoint(),
				(snapshot.relation() != null) ? snapshot.relation().id() : null,
				(snapshot.relation() != null) ? snapshot.relation().remoteApp() : null,
				snapshot.readiness().status().name(), snapshot.readiness().reason(), server(nodes, snapshot.master()),
				servers(nodes, snapshot.standbys()), snapshot.database(), snapshot.version());
	}

	private List<DashboardView.Pool> pools(DemoCluster.ClusterView nodes, RoutingTopology topology) {
		List<DashboardView.Pool> pools = new ArrayList<>();
		if (topology.master() != null) {
			pools.add(pool(nodes, topology.master(), false));
		}
		topology.standbys().forEach((status) -> pools.add(pool(nodes, status, false)));
		topology.retiring().forEach((status) -> pools.add(pool(nodes, status, true)));
		return pools;
	}

	private static DashboardView.Pool pool(DemoCluster.ClusterView nodes, RoutingTopology.PoolStatus status,
			boolean retiring) {
		String address = status.backend().address();
		int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
		return new DashboardView.Pool(status.backend().role().label(), status.backend().name(),
				new DashboardView.Server(address, nodeName(nodes, port)), status.pool().getActiveConnections(),
				status.pool().getIdleConnections(), status.pool().getThreadsAwaitingConnection(), status.available(),
				retiring);
	}

	private static DashboardView.@Nullable Transaction transaction(DemoCluster.ClusterView nodes,
			NoteService.@Nullable Served served) {
		if (served == null) {
			return null;
		}
		int port = served.server().port();
		return new DashboardView.Transaction(new DashboardView.Server("127.0.0.1:" + port, nodeName(nodes, port)),
				served.server().inRecovery(), served.noteId(), served.time());
	}

	private static DashboardView.@Nullable Server server(DemoCluster.ClusterView nodes,
			@Nullable ConnectionString connectionString) {
		if (connectionString == null || connectionString.hosts().isEmpty()) {
			return null;
		}
		ConnectionString.Host host = connectionString.hosts().get(0);
		return new DashboardView.Server(host.name() + ":" + host.port(), nodeName(nodes, host.port()));
	}

	private static List<DashboardView.Server> servers(DemoCluster.ClusterView nodes,
			List<ConnectionString> connectionStrings) {
		List<DashboardView.Server> servers = new ArrayList<>();
		for (ConnectionString connectionString : connectionStrings) {
			DashboardView.Server server = server(nodes, connectionString);
			if (server != null) {
				servers.add(server);
			}
		}
		return servers;
	}

	private static String nodeName(DemoCluster.ClusterView nodes, int port) {
		return nodes.nameOf(port);
	}

	private static String address(PostgresNode node) {
		return node.host() + ":" + node.port();
	}

}
