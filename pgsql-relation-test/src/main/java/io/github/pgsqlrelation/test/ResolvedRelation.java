package io.github.pgsqlrelation.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A relation of {@code resolved} shape: the master and standbys a charm has already
 * decided on. By default the cluster's primary and its running standbys at the time of
 * writing.
 */
public final class ResolvedRelation implements StateFileRelation {

	private final TestCluster cluster;

	private int relationId = 7;

	private String endpoint = "db";

	private String remoteApp = "postgresql";

	private boolean masterChosen;

	private @Nullable ClusterNode master;

	private @Nullable List<ClusterNode> standbys;

	ResolvedRelation(TestCluster cluster) {
		this.cluster = cluster;
	}

	public ResolvedRelation relationId(int relationId) {
		this.relationId = relationId;
		return this;
	}

	public ResolvedRelation endpoint(String endpoint) {
		this.endpoint = endpoint;
		return this;
	}

	public ResolvedRelation remoteApp(String remoteApp) {
		this.remoteApp = remoteApp;
		return this;
	}

	/**
	 * The node published as master, e.g. a former primary to describe a stale file.
	 * @param master the node, or {@code null} for no master
	 * @return this relation
	 */
	public ResolvedRelation master(@Nullable ClusterNode master) {
		this.master = master;
		this.masterChosen = true;
		return this;
	}

	/**
	 * The nodes published as standbys, in this order.
	 * @param standbys the nodes
	 * @return this relation
	 */
	public ResolvedRelation standbys(List<? extends ClusterNode> standbys) {
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

	Map<String, @Nullable Object> toJson() {
		Map<String, @Nullable Object> relation = new LinkedHashMap<>();
		relation.put("shape", "resolved");
		relation.put("endpoint", this.endpoint);
		relation.put("relation-id", this.relationId);
		relation.put("remote-app", this.remoteApp);
		ClusterNode chosenMaster = this.masterChosen ? this.master : this.cluster.primary();
		relation.put("master", (chosenMaster != null) ? chosenMaster.connectionString() : null);
		List<String> standbyStrings = new ArrayList<>();
		List<? extends ClusterNode> chosenStandbys = (this.standbys != null) ? this.standbys
				: this.cluster.runningStandbys();
		chosenStandbys.forEach((standby) -> standbyStrings.add(standby.connectionString()));
		relation.put("standbys", standbyStrings);
		relation.put("database", this.cluster.database());
		relation.put("version", this.cluster.serverVersion());
		return relation;
	}

}
