package io.github.pgsqlrelation.relation.postgresqlclient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.ConnectionString.Host;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * The readiness rules of the {@code postgresql_client} interface and the connection
 * strings of a ready relation.
 * <p>
 * A relation is ready when, checked in this order: the provider published the requested
 * database ({@code database}); the credentials are there ({@code username} and
 * {@code password} from the secret named in {@code secret-user}, or as plain fields from
 * older providers); the read-write endpoint is known ({@code endpoints}, else the hosts
 * of {@code uris}); the secret named in {@code secret-tls}, if any, was resolved; and
 * with {@code tls} {@code True}, a CA is published ({@code tls-ca}). The first rule that
 * fails is the reason; it names keys, never a value that may be a secret.
 * <p>
 * The master is the read-write endpoint (several hosts become one multi-host connection
 * string with {@code target_session_attrs=read-write}, as libpq then finds the primary);
 * the standbys are the hosts of {@code read-only-endpoints} but the master's (the machine
 * charm lists every replica and falls back to the primary when there is none; the
 * Kubernetes charm lists its one replicas Service, which is then one standby). Endpoints
 * plus credentials are preferred over URIs, whose format varies between charms.
 * <p>
 * With {@code tls} {@code True}, every connection string has {@code sslmode=verify-full}
 * and {@code sslrootcert} naming a private file with the relation's CA: both of
 * Canonical's PostgreSQL charms request certificates whose subject alternative names hold
 * the hosts they publish (canonical/postgresql-operator and
 * canonical/postgresql-k8s-operator,
 * {@code lib/charms/postgresql_k8s/v0/postgresql_tls.py} {@code _get_sans}: the unit's
 * peer address, the endpoint of the machine charm, as an IP address; the primary and
 * replicas Service names, the endpoints of the Kubernetes charm, as DNS names).
 */
final class ClientProtocol {

	private ClientProtocol() {
	}

	/** Returns what a relation hands out, by the interface's rules. */
	static RelationSnapshot snapshot(RelationRef ref, String database, ProviderData provider) {
		String version = emptyToNull(provider.bag().get("version"));
		String reason = unreadyReason(database, provider);
		if (reason != null) {
			return new RelationSnapshot(ref.endpoint(), ref, null, List.of(), database, version,
					Readiness.notReady(reason));
		}
		List<Host> primary = readWrite(provider);
		Map<String, String> common = common(database, provider);
		Map<String, String> masterKeywords = new LinkedHashMap<>();
		masterKeywords.put("host", primary.stream().map(Host::name).collect(Collectors.joining(",")));
		masterKeywords.put("port", ports(primary));
		masterKeywords.putAll(common);
		if (primary.size() > 1) {
			masterKeywords.put("target_session_attrs", "read-write");
		}
		ConnectionString master = ConnectionString.of(masterKeywords);
		Set<Host> primaryHosts = Set.copyOf(primary);
		List<ConnectionString> standbys = new ArrayList<>();
		for (Host standby : new LinkedHashSet<>(provider.readOnlyEndpoints())) {
			if (!primaryHosts.contains(standby)) {
				Map<String, String> keywords = new LinkedHashMap<>();
				keywords.put("host", standby.name());
				keywords.put("port", Integer.toString(standby.port()));
				keywords.putAll(common);
				standbys.add(ConnectionString.of(keywords));
			}
		}
		standbys.sort((left, right) -> left.toKeywordValueString().compareTo(right.toKeywordValueString()));
		return new RelationSnapshot(ref.endpoint(), ref, master, standbys, database, version, Readiness.READY);
	}

	/** Returns the read-write hosts: those of {@code endpoints}, else of {@code uris}. */
	static List<Host> readWrite(ProviderData provider) {
		return List
			.copyOf(new LinkedHashSet<>(provider.endpoints().isEmpty() ? provider.uriHosts() : provider.endpoints()));
	}

	/** Returns why a relation is not ready, {@code null} when it is. */
	static @Nullable String unreadyReason(String database, ProviderData provider) {
		String published = emptyToNull(provider.bag().get("database"));
		if (published == null) {
			return "waiting for the database: the provider has not published database yet (requested '" + database
					+ "')";
		}
		if (!published.equals(database)) {
			return "the provider published database '" + published + "' but '" + database + "' was requested";
		}
		if (provider.userSecretNamed() && provider.user() == null) {
			return "waiting for credentials: the secret named in " + ProviderData.SECRET_USER + " was not resolved";
		}
		for (String key : List.of("username", "password")) {
			if (provider.credential(key) == null) {
				return "waiting for credentials: " + (provider.userSecretNamed()
						? "the secret named in " + ProviderData.SECRET_USER + " has no " + key
						: "neither " + ProviderData.SECRET_USER + " nor " + key + " is published");
			}
		}
		if (readWrite(provider).isEmpty()) {
			return "waiting for the read-write endpoint: neither endpoints nor uris is published";
		}
		if (provider.tlsSecretNamed() && !provider.tlsSecretResolved()) {
			return "waiting for TLS settings: the secret named in " + ProviderData.SECRET_TLS + " was not resolved";
		}
		if (provider.tls() && provider.caFile() == null) {
			return "waiting for the TLS CA: tls is True but tls-ca is not published";
		}
		return null;
	}

	private static Map<String, String> common(String database, ProviderData provider) {
		Map<String, String> keywords = new LinkedHashMap<>();
		keywords.put("dbname", database);
		keywords.put("user", provider.credential("username"));
		keywords.put("password", provider.credential("password"));
		if (provider.tls()) {
			keywords.put("sslmode", "verify-full");
			keywords.put("sslrootcert", provider.caFile().toString());
		}
		return keywords;
	}

	private static String ports(List<Host> hosts) {
		Set<Integer> distinct = hosts.stream().map(Host::port).collect(Collectors.toSet());
		return (distinct.size() == 1) ? Integer.toString(hosts.get(0).port())
				: hosts.stream().map((host) -> Integer.toString(host.port())).collect(Collectors.joining(","));
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

}
