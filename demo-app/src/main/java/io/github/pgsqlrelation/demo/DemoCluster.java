package io.github.pgsqlrelation.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The local PostgreSQL servers and the relation state file describing them, as a charm
 * would publish it (raw shape). Changing the cluster is slow and holds the cluster's
 * lock, so the page reads a view that is refreshed after every change and never waits for
 * one.
 */
final class DemoCluster implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DemoCluster.class);

	private final PostgresCluster cluster;

	private final Path stateFile;

	/** Names of every node ever seen, so that servers removed since are still named. */
	private final Map<Integer, String> names = new ConcurrentHashMap<>();

	private volatile ClusterView view;

	private DemoCluster(PostgresCluster cluster, Path stateFile) {
		this.cluster = cluster;
		this.stateFile = stateFile;
		this.view = ClusterView.of(cluster, this.names);
	}

	/**
	 * Starts a primary and the given number of standbys, and publishes them in a state
	 * file of a new temporary directory.
	 */
	static DemoCluster start(int standbys) {
		PostgresCluster cluster = startCluster(standbys);
		try {
			Path directory = StateFileDirectories.create(Path.of(System.getProperty("java.io.tmpdir")));
			DemoCluster demo = new DemoCluster(cluster, directory.resolve("pgsql-relation.json"));
			demo.publish();
			return demo;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Starts the servers, a second time if the first fails: a free port picked for a
	 * server may be taken by another program before the server binds it.
	 */
	private static PostgresCluster startCluster(int standbys) {
		try {
			return PostgresCluster.start(standbys);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not start the local PostgreSQL servers ("
					+ ex.getMessage().lines().findFirst().orElse("") + "); trying once more");
			return PostgresCluster.start(standbys);
		}
	}

	Path stateFile() {
		return this.stateFile;
	}

	ClusterView view() {
		return this.view;
	}

	/** Rewrites the state file: the current primary as master, the running standbys. */
	void publish() {
		RelationStateFiles.writeRaw(this.stateFile, this.cluster);
		refreshView();
	}

	/**
	 * Rewrites the state file without one standby, as a charm does before removing its
	 * unit.
	 */
	void publishWithout(PostgresNode standby) {
		List<PostgresNode> remaining = this.view.standbys()
			.stream()
			.filter((node) -> !node.equals(standby) && node.isRunning())
			.toList();
		RelationStateFiles.raw(this.cluster).standbys(remaining).write(this.stateFile);
	}

	PostgresNode addStandby() {
		try {
			return this.cluster.addStandby();
		}
		finally {
			refreshView();
		}
	}

	void removeStandby(PostgresNode standby) {
		try {
			this.cluster.removeStandby(standby);
		}
		finally {
			refreshView();
		}
	}

	void switchover(PostgresNode standby) {
		try {
			this.cluster.switchover(standby);
		}
		finally {
			refreshView();
		}
	}

	void kill(PostgresNode node) {
		try {
			this.cluster.kill(node);
		}
		finally {
			refreshView();
		}
	}

	/** Starts a stopped or killed node again. */
	void restart(PostgresNode node) {
		try {
			this.cluster.start(node);
		}
		finally {
			refreshView();
		}
	}

	/** Promotes a standby after its primary died, and points the other standbys at it. */
	void failover(PostgresNode standby) {
		try {
			this.cluster.promote(standby);
			for (PostgresNode other : this.cluster.runningStandbys()) {
				this.cluster.follow(other);
			}
		}
		finally {
			refreshView();
		}
	}

	Optional<PostgresNode> standby(String name) {
		return this.view.standbys().stream().filter((node) -> node.name().equals(name)).findFirst();
	}

	private void refreshView() {
		this.view = ClusterView.of(this.cluster, this.names);
	}

	@Override
	public void close() {
		this.cluster.close();
		StateFileDirectories.delete(this.stateFile.getParent());
	}

	/**
	 * The nodes and their roles after the last change.
	 *
	 * @param primary the primary
	 * @param standbys the standbys, running or not
	 * @param nodes every node, former primaries included
	 */
	record ClusterView(PostgresNode primary, List<PostgresNode> standbys, List<PostgresNode> nodes,
			Map<Integer, String> names) {

		ClusterView {
			names = Map.copyOf(names);
		}

		static ClusterView of(PostgresCluster cluster, Map<Integer, String> names) {
			List<PostgresNode> nodes = cluster.nodes();
			nodes.forEach((node) -> names.put(node.port(), node.name()));
			return new ClusterView(cluster.primary(), cluster.standbys(), nodes, names);
		}

		/** Returns the name of the node that listens or listened on a port. */
		Optional<String> nameOf(int port) {
			return Optional.ofNullable(this.names.get(port));
		}

		String role(PostgresNode node) {
			if (node.equals(this.primary)) {
				return "primary";
			}
			return this.standbys.contains(node) ? "standby" : "former primary";
		}

	}

}
