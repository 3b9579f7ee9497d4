package io.github.pgsqlrelation.test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A relation of {@code raw} shape: the Juju data bags as a charm reads them. By default
 * they are what a server following the {@code pgsql} v2 protocol publishes once access is
 * granted (ready): the master, the running standbys one per line, the database mirrored
 * and {@code allowed-subnets} covering the local unit's {@code egress-subnets}, all in
 * the remote application's bag. Options describe the variants met in the field.
 */
public final class RawRelation implements StateFileRelation {

	/** A documentation-only network (RFC 5737), never the local unit's. */
	private static final String FOREIGN_SUBNET = "192.0.2.0/24";

	private static final String ADDRESS = "127.0.0.1";

	private final TestCluster cluster;

	private int relationId = 7;

	private String endpoint = "db";

	private String remoteApp = "postgresql";

	private String localUnit = "myapp/0";

	private String egressSubnets = ADDRESS + "/32";

	private boolean canonicalStyle;

	private boolean egressAllowed = true;

	private boolean databaseMirrored = true;

	private boolean masterChosen;

	private @Nullable ClusterNode master;

	private @Nullable List<ClusterNode> standbys;

	private @Nullable ClusterNode leader;

	RawRelation(TestCluster cluster) {
		this.cluster = cluster;
	}

	public RawRelation relationId(int relationId) {
		this.relationId = relationId;
		return this;
	}

	public RawRelation endpoint(String endpoint) {
		this.endpoint = endpoint;
		return this;
	}

	/**
	 * The remote application's name (default {@code postgresql}); remote unit names
	 * follow it.
	 * @param remoteApp the application name
	 * @return this relation
	 */
	public RawRelation remoteApp(String remoteApp) {
		this.remoteApp = remoteApp;
		return this;
	}

	/**
	 * The local unit's name (default {@code myapp/0}).
	 * @param localUnit the unit name
	 * @return this relation
	 */
	public RawRelation localUnit(String localUnit) {
		this.localUnit = localUnit;
		return this;
	}

	/**
	 * The local unit's {@code egress-subnets} (default {@code 127.0.0.1/32}).
	 * @param egressSubnets comma-separated CIDRs
	 * @return this relation
	 */
	public RawRelation egressSubnets(String egressSubnets) {
		this.egressSubnets = egressSubnets;
		return this;
	}

	/**
	 * Publishes as Canonical's {@code postgresql} charm does on the legacy {@code db}
	 * relation: everything in the leader unit's bag (the application bag stays empty),
	 * standbys joined with commas, legacy keys ({@code host}, {@code port}, {@code user},
	 * {@code state}, ...) included.
	 * @return this relation
	 */
	public RawRelation canonicalStyle() {
		this.canonicalStyle = true;
		return this;
	}

	/**
	 * The unit whose bag holds the data in {@link #canonicalStyle()} (default: the
	 * cluster's first node).
	 * @param leader the leader unit's node
	 * @return this relation
	 */
	public RawRelation leader(ClusterNode leader) {
		this.leader = leader;
		return this;
	}

	/**
	 * Not ready: {@code allowed-subnets} does not cover the local unit's egress subnets
	 * yet.
	 * @return this relation
	 */
	public RawRelation egressNotAllowed() {
		this.egressAllowed = false;
		return this;
	}

	/**
	 * Not ready: the server has not mirrored the requested database yet.
	 * @return this relation
	 */
	public RawRelation databaseNotMirrored() {
		this.databaseMirrored = false;
		return this;
	}

	/**
	 * The node published as master, e.g. a former primary to describe a stale file.
	 * @param master the node, or {@code null} to publish no master
	 * @return this relation
	 */
	public RawRelation master(@Nullable ClusterNode master) {
		this.master = master;
		this.masterChosen = true;
		return this;
	}

	/**
	 * The nodes published as standbys, in this order (default: the running standbys at
	 * the time of writing).
	 * @param standbys the nodes
	 * @return this relation
	 */
	public RawRelation standbys(List<? extends ClusterNode> standbys) {
		this.standbys = List.copyOf(standbys);
		return this;
	}

	/**
	 * Writes a state file holding only this relation.
	 * @param file the file, replaced atomically
	 */
	public void write(Path file) {
		RelationStateFiles.write(file, this);
	}

	Map<String, Object> toJson() {
		Map<String, Object> relation = new LinkedHashMap<>();
		relation.put("shape", "raw");
		relation.put("endpoint", this.endpoint);
		relation.put("relation-id", this.relationId);
		relation.put("remote-app", this.remoteApp);
		relation.put("local-unit", this.localUnit);
		relation.put("local-unit-data",
				bag("egress-subnets", this.egressSubnets, "ingress-address", ADDRESS, "private-address", ADDRESS));
		relation.put("requested", bag("database", this.cluster.database(), "roles", "", "extensions", ""));
		Map<String, Map<String, String>> units = new LinkedHashMap<>();
		for (ClusterNode node : this.cluster.nodes()) {
			units.put(unitName(node), unitBag());
		}
		if (this.canonicalStyle) {
			ClusterNode leaderNode = (this.leader != null) ? this.leader : this.cluster.nodes().get(0);
			units.get(unitName(leaderNode)).putAll(canonicalLeaderBag());
			relation.put("remote-app-data", Map.of());
		}
		else {
			relation.put("remote-app-data", applicationBag());
		}
		relation.put("remote-units-data", units);
		return relation;
	}

	private Map<String, String> applicationBag() {
		Map<String, String> bag = new LinkedHashMap<>();
		bag.put("allowed-subnets", allowedSubnets());
		if (this.databaseMirrored) {
			bag.put("database", this.cluster.database());
		}
		bag.put("roles", "");
		bag.put("extensions", "");
		chosenMaster().ifPresent((master) -> bag.put("master", master));
		List<String> standbyStrings = chosenStandbys();
		if (!standbyStrings.isEmpty()) {
			bag.put("standbys", String.join("\n", standbyStrings));
		}
		bag.put("version", this.cluster.serverVersion());
		return bag;
	}

	private Map<String, String> canonicalLeaderBag() {
		Map<String, String> bag = new LinkedHashMap<>();
		bag.put("allowed-subnets", allowedSubnets());
		bag.put("allowed-units", this.localUnit);
		if (this.databaseMirrored) {
			bag.put("database", this.cluster.database());
		}
		bag.put("extensions", "");
		bag.put("host", ADDRESS);
		chosenMaster().ifPresent((master) -> bag.put("master", master));
		bag.put("password", this.cluster.password());
		ClusterNode masterNode = this.masterChosen ? this.master : this.cluster.primary();
		if (masterNode != null) {
			bag.put("port", Integer.toString(masterNode.port()));
		}
		bag.put("schema_password", this.cluster.password());
		bag.put("schema_user", this.cluster.user());
		List<String> standbyStrings = chosenStandbys();
		bag.put("standbys", String.join(",", standbyStrings));
		bag.put("state", standbyStrings.isEmpty() ? "standalone" : "master");
		bag.put("user", this.cluster.user());
		bag.put("version", this.cluster.serverVersion());
		return bag;
	}

	private Map<String, String> unitBag() {
		return bag("egress-subnets", ADDRESS + "/32", "ingress-address", ADDRESS, "private-address", ADDRESS);
	}

	/** A bag keeping its keys in the given order, for readable files. */
	private static Map<String, String> bag(String... keysAndValues) {
		Map<String, String> bag = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			bag.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return bag;
	}

	private String allowedSubnets() {
		return this.egressAllowed ? this.egressSubnets : FOREIGN_SUBNET;
	}

	private Optional<String> chosenMaster() {
		ClusterNode masterNode = this.masterChosen ? this.master : this.cluster.primary();
		return Optional.ofNullable(masterNode).map(ClusterNode::connectionString);
	}

	private List<String> chosenStandbys() {
		List<? extends ClusterNode> nodes = (this.standbys != null) ? this.standbys : this.cluster.runningStandbys();
		return nodes.stream().map(ClusterNode::connectionString).collect(Collectors.toList());
	}

	private String unitName(ClusterNode node) {
		String unitName = node.unitName();
		return this.remoteApp + unitName.substring(unitName.lastIndexOf('/'));
	}

}
