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
 * would publish it: a {@code pgsql} relation (raw shape) or a {@code postgresql_client}
 * one (application bag and resolved secrets), on the endpoint the application follows.
 * The servers serve TLS with the demo's certificates; the relation says so, with its CA,
 * when TLS is on ({@code postgresql_client} only). Changing the cluster is slow and holds
 * the cluster's lock, so the page reads a view that is refreshed after every change and
 * never waits for one.
 */
final class DemoCluster implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DemoCluster.class);

	private final PostgresCluster cluster;

	private final Path stateFile;

	private final DemoCertificates certificates;

	/**
	 * The endpoint the application follows: the one of the interface the demo started
	 * with.
	 */
	private final String endpoint;

	private volatile RelationInterface relationInterface;

	private volatile boolean tls;

	/** How many times the relation user's password was rotated. */
	private volatile int rotations;

	/** Names of every node ever seen, so that servers removed since are still named. */
	private final Map<Integer, String> names = new ConcurrentHashMap<>();

	private volatile ClusterView view;

	private DemoCluster(PostgresCluster cluster, Path stateFile, DemoCertificates certificates,
			RelationInterface relationInterface) {
		this.cluster = cluster;
		this.stateFile = stateFile;
		this.certificates = certificates;
		this.endpoint = relationInterface.endpoint();
		this.relationInterface = relationInterface;
		this.view = ClusterView.of(cluster, this.names);
	}

	/**
	 * Starts a primary and the given number of standbys, and publishes them as a
	 * {@code pgsql} relation in a state file of a new temporary directory.
	 */
	static DemoCluster start(int standbys) {
		return start(standbys, RelationInterface.PGSQL);
	}

	/**
	 * Starts a primary and the given number of standbys, and publishes them with the
	 * given interface, on its usual endpoint, in a state file of a new temporary
	 * directory.
	 */
	static DemoCluster start(int standbys, RelationInterface relationInterface) {
		Path directory = StateFileDirectories.create(Path.of(System.getProperty("java.io.tmpdir")));
		PostgresCluster cluster = null;
		try {
			DemoCertificates certificates = DemoCertificates.create(directory);
			cluster = startCluster(standbys, certificates);
			DemoCluster demo = new DemoCluster(cluster, directory.resolve("pgsql-relation.json"), certificates,
					relationInterface);
			demo.publish();
			return demo;
		}
		catch (RuntimeException ex) {
			if (cluster != null) {
				cluster.close();
			}
			StateFileDirectories.delete(directory);
			throw ex;
		}
	}

	/**
	 * Starts the servers, a second time if the first fails: a free port picked for a
	 * server may be taken by another program before the server binds it.
	 */
	private static PostgresCluster startCluster(int standbys, DemoCertificates certificates) {
		try {
			return newCluster(standbys, certificates);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not start the local PostgreSQL servers ("
					+ ex.getMessage().lines().findFirst().orElse("") + "); trying once more");
			return newCluster(standbys, certificates);
		}
	}

	private static PostgresCluster newCluster(int standbys, DemoCertificates certificates) {
		return PostgresCluster.builder()
			.standbys(standbys)
			.tls(certificates.certificateChain(), certificates.privateKey())
			.start();
	}

	Path stateFile() {
		return this.stateFile;
	}

	/**
	 * Returns the endpoint the relation is published on, which the application follows.
	 */
	String endpoint() {
		return this.endpoint;
	}

	RelationInterface relationInterface() {
		return this.relationInterface;
	}

	/** Whether the relation says TLS is on, with the CA to verify the servers with. */
	boolean tls() {
		return this.tls;
	}

	int rotations() {
		return this.rotations;
	}

	/** Publishes the relation with another interface, on the same endpoint. */
	void useInterface(RelationInterface relationInterface) {
		this.relationInterface = relationInterface;
		if (relationInterface == RelationInterface.PGSQL) {
			this.tls = false;
		}
		publish();
	}

	/**
	 * Publishes TLS on or off: {@code tls} and the CA in the TLS secret, as the
	 * PostgreSQL charm does when it is related to a TLS provider, or no longer.
	 * @throws IllegalStateException with the {@code pgsql} interface, which has no TLS
	 * settings
	 */
	void useTls(boolean tls) {
		if (tls && this.relationInterface != RelationInterface.POSTGRESQL_CLIENT) {
			throw new IllegalStateException("The pgsql interface publishes no TLS settings; use postgresql_client");
		}
		this.tls = tls;
		publish();
	}

	/**
	 * Gives the relation user a new password on the servers ({@code ALTER ROLE}, replayed
	 * by the standbys), then publishes it: a new revision of the user secret
	 * ({@code postgresql_client}) or new connection strings ({@code pgsql}).
	 */
	void rotatePassword() {
		this.cluster.rotatePassword();
		this.rotations++;
		publish();
	}

	ClusterView view() {
		return this.view;
	}

	/** Rewrites the state file: the current primary as master, the running standbys. */
	void publish() {
		write(this.cluster.runningStandbys());
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
		write(remaining);
	}

	private void write(List<PostgresNode> standbys) {
		if (this.relationInterface == RelationInterface.POSTGRESQL_CLIENT) {
			new PostgresqlClientEntry(this.endpoint, this.cluster.primary(), standbys, this.tls,
					this.certificates.caPem())
				.write(this.stateFile, this.cluster);
		}
		else {
			RelationStateFiles.raw(this.cluster).endpoint(this.endpoint).standbys(standbys).write(this.stateFile);
		}
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
