package io.github.pgsqlrelation.demo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.test.ClusterNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import io.github.pgsqlrelation.test.TestCluster;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code postgresql_client} relation entry as the charm's exporter writes it
 * ({@code charm/pgsql_relation_state.py}): the provider's application bag as Canonical's
 * PostgreSQL machine charm publishes it, and the content of the two secrets it names. A
 * rotated password is a new revision of the same secret: same URI, new content.
 *
 * @param endpoint the local endpoint
 * @param master the primary, {@code null} when the relation names none
 * @param standbys the replicas the provider lists
 * @param tls whether the provider serves TLS and publishes its CA
 * @param caPem the CA, used when {@code tls} is on
 */
record PostgresqlClientEntry(String endpoint, @Nullable ClusterNode master, List<? extends ClusterNode> standbys,
		boolean tls, String caPem) {

	/** The relation's id, as the pgsql entries of the demo have it. */
	static final int RELATION_ID = 7;

	static final String USER_SECRET = "secret://2f1c7b52-5d0e-4b3e-8a4f-3e9d1c6b7a20/d0r5v8fmp25c77bbn9og";

	static final String TLS_SECRET = "secret://2f1c7b52-5d0e-4b3e-8a4f-3e9d1c6b7a20/d0r5v8fmp25c77bbn9p0";

	private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	/** Returns the state file's content: this relation only. */
	String toJson(TestCluster cluster) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("version", 1);
		root.put("relations", List.of(entry(cluster)));
		return MAPPER.writeValueAsString(root) + "\n";
	}

	/** Writes a state file holding this relation only, atomically and with mode 0600. */
	void write(Path file, TestCluster cluster) {
		RelationStateFiles.writeAtomically(file, toJson(cluster));
	}

	private Map<String, Object> entry(TestCluster cluster) {
		Map<String, String> bag = new LinkedHashMap<>();
		Map<String, Object> secrets = new LinkedHashMap<>();
		if (this.master != null) {
			String primary = endpointOf(this.master);
			// The machine charm lists the replicas, or the primary when there is none.
			String replicas = this.standbys.isEmpty() ? primary
					: this.standbys.stream().map(PostgresqlClientEntry::endpointOf).collect(Collectors.joining(","));
			bag.put("database", cluster.database());
			bag.put("endpoints", primary);
			bag.put("read-only-endpoints", replicas);
			bag.put("secret-tls", TLS_SECRET);
			bag.put("secret-user", USER_SECRET);
			bag.put("version", cluster.serverVersion());
			String credentials = URLEncoder.encode(cluster.user(), StandardCharsets.UTF_8) + ":"
					+ URLEncoder.encode(cluster.password(), StandardCharsets.UTF_8) + "@";
			String database = "/" + URLEncoder.encode(cluster.database(), StandardCharsets.UTF_8);
			Map<String, String> user = new LinkedHashMap<>();
			user.put("username", cluster.user());
			user.put("password", cluster.password());
			user.put("uris", "postgresql://" + credentials + primary + database);
			user.put("read-only-uris", "postgresql://" + credentials + replicas + database);
			secrets.put("secret-user", user);
			secrets.put("secret-tls", Map.of("tls", this.tls ? "True" : "False", "tls-ca", this.tls ? this.caPem : ""));
		}
		Map<String, Object> relation = new LinkedHashMap<>();
		relation.put("interface", RelationInterface.POSTGRESQL_CLIENT.jujuName());
		relation.put("endpoint", this.endpoint);
		relation.put("relation-id", RELATION_ID);
		relation.put("remote-app", "postgresql");
		relation.put("requested", Map.of("database", cluster.database()));
		relation.put("remote-app-data", bag);
		relation.put("secrets", secrets);
		return relation;
	}

	private static String endpointOf(ClusterNode node) {
		return node.host() + ":" + node.port();
	}

}
