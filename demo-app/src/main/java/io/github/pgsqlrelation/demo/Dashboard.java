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
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Takes the {@link DashboardView}: the relation from its events, the pools from the
 * routing DataSource, the rest from the load generator, the cluster and the charm.
 */
@Component
final class Dashboard {

	private static final int RECENT_READS_SHOWN = 12;

	private final RelationRoutingDataSource dataSource;

	private final RelationEventLog events;

	private final LoadGenerator load;

	private final @Nullable DemoCluster cluster;

	private final CharmActions charm;

	Dashboard(RelationRoutingDataSource dataSource, RelationEventLog events, LoadGenerator load,
			ObjectProvider<DemoCluster> cluster, CharmActions charm) {
		this.dataSource = dataSource;
		this.events = events;
		this.load = load;
		this.cluster = cluster.getIfAvailable();
		this.charm = charm;
	}

	DashboardView view() {
		ServerNames nodes = new ServerNames((this.cluster != null) ? this.cluster.view() : null);
		RoutingTopology topology = this.dataSource.topology();
		List<NoteService.Served> recentReads = this.load.reads().recent();
		Map<String, Integer> readsByNode = new LinkedHashMap<>();
		recentReads.forEach((read) -> readsByNode.merge(nodes.of(read.server()), 1, Integer::sum));
		LoadGenerator.Traffic writes = this.load.writes();
		LoadGenerator.Traffic reads = this.load.reads();
		return new DashboardView(Instant.now(), this.charm.isLocal(), relation(nodes), topology.noMasterReason(),
				pools(nodes, topology), transaction(nodes, writes.last()), transaction(nodes, reads.last()),
				recentReads.stream().limit(RECENT_READS_SHOWN).map((read) -> nodes.of(read.server())).toList(),
				readsByNode,
				new DashboardView.Load(this.load.isEnabled(), writes.succeeded(), writes.retried(), writes.failed(),
						reads.succeeded(), reads.retried(), reads.failed(), this.load.lastFailure()),
				nodes(), new DashboardView.Charm(this.charm.isBusy(), this.charm.log()), published(),
				this.events.entries()
					.stream()
					.map((entry) -> new DashboardView.Event(entry.time(), entry.event().getClass().getSimpleName(),
							server(nodes, entry.event().master()), servers(nodes, entry.event().standbys()),
							entry.event().snapshot().readiness().status().name()))
					.toList());
	}

	private DashboardView.@Nullable Published published() {
		if (this.cluster == null) {
			return null;
		}
		return new DashboardView.Published(this.cluster.relationInterface().jujuName(), this.cluster.endpoint(),
				this.cluster.tls(), this.cluster.rotations());
	}

	private List<DashboardView.Node> nodes() {
		if (this.cluster == null) {
			return List.of();
		}
		DemoCluster.ClusterView view = this.cluster.view();
		return view.nodes()
			.stream()
			.map((node) -> new DashboardView.Node(node.name(), node.unitName(), node.host() + ":" + node.port(),
					view.role(node), node.isRunning()))
			.toList();
	}

	private DashboardView.@Nullable Relation relation(ServerNames nodes) {
		RelationSnapshot snapshot = this.events.latest();
		if (snapshot == null) {
			return null;
		}
		return new DashboardView.Relation(snapshot.endpoint(),
				(snapshot.relation() != null) ? snapshot.relation().id() : null,
				(snapshot.relation() != null) ? snapshot.relation().remoteApp() : null,
				snapshot.readiness().status().name(), snapshot.readiness().reason(), server(nodes, snapshot.master()),
				servers(nodes, snapshot.standbys()), snapshot.database(), snapshot.version(),
				(snapshot.master() != null) ? snapshot.master().get("sslmode") : null);
	}

	private List<DashboardView.Pool> pools(ServerNames nodes, RoutingTopology topology) {
		List<DashboardView.Pool> pools = new ArrayList<>();
		if (topology.master() != null) {
			pools.add(pool(nodes, topology.master(), false));
		}
		topology.standbys().forEach((status) -> pools.add(pool(nodes, status, false)));
		topology.retiring().forEach((status) -> pools.add(pool(nodes, status, true)));
		return pools;
	}

	private static DashboardView.Pool pool(ServerNames nodes, RoutingTopology.PoolStatus status, boolean retiring) {
		String address = status.backend().address();
		return new DashboardView.Pool(status.backend().role().label(), status.backend().name(),
				new DashboardView.Server(address, nodes.of(address)), status.pool().getActiveConnections(),
				status.pool().getIdleConnections(), status.pool().getThreadsAwaitingConnection(), status.available(),
				retiring);
	}

	private static DashboardView.@Nullable Transaction transaction(ServerNames nodes,
			NoteService.@Nullable Served served) {
		if (served == null) {
			return null;
		}
		String address = served.server().host() + ":" + served.server().port();
		return new DashboardView.Transaction(new DashboardView.Server(address, nodes.of(address)),
				served.server().inRecovery(), served.noteId(), served.time());
	}

	private static DashboardView.@Nullable Server server(ServerNames nodes,
			@Nullable ConnectionString connectionString) {
		if (connectionString == null || connectionString.hosts().isEmpty()) {
			return null;
		}
		ConnectionString.Host host = connectionString.hosts().get(0);
		String address = host.name() + ":" + host.port();
		return new DashboardView.Server(address, nodes.of(address));
	}

	private static List<DashboardView.Server> servers(ServerNames nodes, List<ConnectionString> connectionStrings) {
		List<DashboardView.Server> servers = new ArrayList<>();
		for (ConnectionString connectionString : connectionStrings) {
			DashboardView.Server server = server(nodes, connectionString);
			if (server != null) {
				servers.add(server);
			}
		}
		return servers;
	}

	/**
	 * Names servers after the demo's nodes when it runs them, else by their address.
	 */
	private record ServerNames(DemoCluster.@Nullable ClusterView view) {

		String of(NoteRepository.Server server) {
			return of(server.host() + ":" + server.port());
		}

		String of(String address) {
			if (this.view == null) {
				return address;
			}
			int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
			return this.view.nameOf(port).orElse(address);
		}

	}

}
