package io.github.pgsqlrelation.test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A relation of the {@code postgresql_client} interface (Canonical's current one,
 * endpoint usually {@code database}) as a charm exports it: the provider's application
 * bag as a machine charm publishes it (canonical/postgresql-operator,
 * {@code src/relations/postgresql_provider.py}: {@code endpoints} the primary,
 * {@code read-only-endpoints} the running standbys, or the primary when there is none),
 * and the content of the secrets it names, as {@code secret-get --refresh} returns it. By
 * default the cluster's primary and running standbys at the time of writing, with the
 * cluster's current password, so that writing the file again after
 * {@link TestCluster#rotatePassword()} is what a charm exports on {@code secret-changed}:
 * the same secret, a new revision.
 */
public final class PostgresqlClientRelation implements StateFileRelation {

	private static final String SECRET_USER = "secret://4b1c0e6a-93c1-4b7e-8b1d-6c2f0a9e5d11/d0r5v8fmp25c77bbn9og";

	private static final String SECRET_TLS = "secret://4b1c0e6a-93c1-4b7e-8b1d-6c2f0a9e5d11/d0r5v8fmp25c77bbn9p0";

	private final TestCluster cluster;

	private int relationId = 12;

	private String endpoint = "database";

	private String remoteApp = "postgresql";

	private @Nullable String tlsCa;

	private boolean plainCredentials;

	private @Nullable String host;

	PostgresqlClientRelation(TestCluster cluster) {
		this.cluster = cluster;
	}

	public PostgresqlClientRelation relationId(int relationId) {
		this.relationId = relationId;
		return this;
	}

	/**
	 * The application's endpoint (default {@code database}).
	 * @param endpoint the endpoint name
	 * @return this relation
	 */
	public PostgresqlClientRelation endpoint(String endpoint) {
		this.endpoint = endpoint;
		return this;
	}

	public PostgresqlClientRelation remoteApp(String remoteApp) {
		this.remoteApp = remoteApp;
		return this;
	}

	/**
	 * The host name published for every node instead of its address, e.g. a DNS name that
	 * resolves to it, as the Kubernetes charm publishes Service names.
	 * @param host the host name
	 * @return this relation
	 */
	public PostgresqlClientRelation host(String host) {
		this.host = host;
		return this;
	}

	/**
	 * Publishes TLS as the PostgreSQL charm does once related to a TLS provider: the
	 * secret named in {@code secret-tls} holds {@code tls} {@code True} and the CA.
	 * @param caCertificates PEM: the CA certificates the servers' certificates chain to
	 * @return this relation
	 */
	public PostgresqlClientRelation tls(String caCertificates) {
		this.tlsCa = caCertificates;
		return this;
	}

	/**
	 * Publishes the credentials as plain fields of the bag, as providers did before Juju
	 * secrets, instead of in the secret named in {@code secret-user}.
	 * @return this relation
	 */
	public PostgresqlClientRelation plainCredentials() {
		this.plainCredentials = true;
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
		String database = this.cluster.database();
		ClusterNode primary = this.cluster.primary();
		List<? extends ClusterNode> standbys = this.cluster.runningStandbys();
		String readOnly = standbys.isEmpty() ? address(primary)
				: standbys.stream().map(this::address).collect(Collectors.joining(","));
		Map<String, String> user = new LinkedHashMap<>();
		user.put("username", this.cluster.user());
		user.put("password", this.cluster.password());
		user.put("uris", uri(List.of(primary)));
		user.put("read-only-uris", uri(standbys.isEmpty() ? List.of(primary) : standbys));
		Map<String, String> bag = new LinkedHashMap<>();
		bag.put("database", database);
		bag.put("endpoints", address(primary));
		bag.put("read-only-endpoints", readOnly);
		bag.put("version", this.cluster.serverVersion());
		Map<String, Object> secrets = new LinkedHashMap<>();
		if (this.plainCredentials) {
			bag.putAll(user);
		}
		else {
			bag.put("secret-user", SECRET_USER);
			secrets.put("secret-user", user);
		}
		if (this.tlsCa != null) {
			bag.put("secret-tls", SECRET_TLS);
			secrets.put("secret-tls", Map.of("tls", "True", "tls-ca", this.tlsCa));
		}
		Map<String, Object> relation = new LinkedHashMap<>();
		relation.put("interface", "postgresql_client");
		relation.put("endpoint", this.endpoint);
		relation.put("relation-id", this.relationId);
		relation.put("remote-app", this.remoteApp);
		relation.put("requested", Map.of("database", database));
		relation.put("remote-app-data", bag);
		relation.put("secrets", secrets);
		return relation;
	}

	private String address(ClusterNode node) {
		return host(node) + ":" + node.port();
	}

	private String host(ClusterNode node) {
		return (this.host != null) ? this.host : node.host();
	}

	/**
	 * A URI as the machine charm builds it: every host, then one port after the last (the
	 * charm's servers share one port; a test cluster's do not, so a reader must prefer
	 * the endpoints, as it should with the charms' URIs anyway).
	 */
	private String uri(List<? extends ClusterNode> nodes) {
		String hosts = nodes.stream().map(this::host).collect(Collectors.joining(","));
		return "postgresql://" + LibpqValues.urlEncode(this.cluster.user()) + ":"
				+ LibpqValues.urlEncode(this.cluster.password()) + "@" + hosts + ":" + nodes.get(0).port() + "/"
				+ LibpqValues.urlEncode(this.cluster.database());
	}

}
