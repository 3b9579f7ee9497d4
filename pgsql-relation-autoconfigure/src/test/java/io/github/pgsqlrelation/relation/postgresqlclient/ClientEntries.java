package io.github.pgsqlrelation.relation.postgresqlclient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.statefile.StateFile;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds {@code postgresql_client} entries for tests, shaped like what Canonical's charms
 * publish, so that every test goes through the real state file reader.
 */
final class ClientEntries extends LinkedHashMap<String, Object> {

	static final String PASSWORD = "Tq8zWm3rKd";

	/** A self-signed CA (EC P-256), as a provider publishes it in {@code tls-ca}. */
	static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBnjCCAUWgAwIBAgIUUh0k8DYuwI3q6AUQJz7uEF/5KJEwCgYIKoZIzj0EAwIw\nJDEiMCAGA1UEAwwZcGdzcWwtcmVsYXRpb24gZXhhbXBsZSBDQTAgFw0yNjExMzAx\nNzE1MThaGA8yMTI2MTEwNjE3MTUxOFowJDEiMCAGA1UEAwwZcGdzcWwtcmVsYXRp\nb24gZXhhbXBsZSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDXewW7MEJQY\ny83Z7jnoau9bTV7+9gEhyQVzhiODOcNvS0/SiF+V8cxe2t2IV9Rkx52Gjv+VTegn\n/kSSDff1lq+jUzBRMB0GA1UdDgQWBBQlfGk2H5OeozTQ9o6mG6EUL3+h1jAfBgNV\nHSMEGDAWgBQlfGk2H5OeozTQ9o6mG6EUL3+h1jAPBgNVHRMBAf8EBTADAQH/MAoG\nCCqGSM49BAMCA0cAMEQCIC4GJmwfnDVOZZHj0bu+euPGpFiY7KhyLDf6/LJf/12f\nAiBhHqStpQ4onK1OB/cN5svPtuMPQPVi7fbLkPS4OBbQfg==\n-----END CERTIFICATE-----\n";

	/** Another CA. */
	static final String OTHER_CA = "-----BEGIN CERTIFICATE-----\nMIIBozCCAUmgAwIBAgIUSmLVuZxNdfwFiM1Gy31p3Jk6WKIwCgYIKoZIzj0EAwIw\nJjEkMCIGA1UEAwwbcGdzcWwtcmVsYXRpb24gZXhhbXBsZSBDQSAyMCAXDTI2MTEz\nMDE3MTUxOFoYDzIxMjYxMTA2MTcxNTE4WjAmMSQwIgYDVQQDDBtwZ3NxbC1yZWxh\ndGlvbiBleGFtcGxlIENBIDIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARqaK3G\nKP3Vnp4WUnV71bgQonaCCORXDbMZHau2BhlUO6hxoisQ6YFOPo6/wIJePUGL9k+y\nwqvMgYv1CVL+skZ1o1MwUTAdBgNVHQ4EFgQUqB0kduchC3S2DmcJWexWnjOBjncw\nHwYDVR0jBBgwFoAUqB0kduchC3S2DmcJWexWnjOBjncwDwYDVR0TAQH/BAUwAwEB\n/zAKBggqhkjOPQQDAgNIADBFAiAX2Y+LHfJvWh+9qGOQysHZwLLzIfjIrEm7+RJY\nC2EkeQIhAJnzDlV9BoKtMLA0mhRQFpgRNvWZ/DpEBrpvuYfq/rSi\n-----END CERTIFICATE-----\n";

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final Map<String, String> bag = new LinkedHashMap<>();

	private final Map<String, Object> secrets = new LinkedHashMap<>();

	private ClientEntries(int id) {
		put("interface", "postgresql_client");
		put("endpoint", "database");
		put("relation-id", id);
		put("remote-app", "postgresql");
		put("requested", new LinkedHashMap<>(Map.of("database", "myapp")));
		put("remote-app-data", this.bag);
		put("secrets", this.secrets);
	}

	/**
	 * A machine charm's relation: the primary 10.1.2.3, the given replicas, credentials
	 * in {@code secret-user}.
	 */
	static ClientEntries machine(int id, String... replicas) {
		ClientEntries entry = new ClientEntries(id);
		entry.bag("database", "myapp", "endpoints", "10.1.2.3:5432", "read-only-endpoints",
				(replicas.length == 0) ? "10.1.2.3:5432"
						: String.join(",", List.of(replicas).stream().map((ip) -> ip + ":5432").toList()),
				"version", "16.6", "secret-user", "secret://4b1c/d0d1a" + id);
		entry.secret("secret-user", "username", "relation_id_" + id, "password", PASSWORD, "uris",
				"postgresql://relation_id_" + id + ":" + PASSWORD + "@10.1.2.3:5432/myapp");
		return entry;
	}

	ClientEntries bag(String... keysAndValues) {
		for (int i = 0; i < keysAndValues.length; i += 2) {
			if (keysAndValues[i + 1] == null) {
				this.bag.remove(keysAndValues[i]);
			}
			else {
				this.bag.put(keysAndValues[i], keysAndValues[i + 1]);
			}
		}
		return this;
	}

	ClientEntries secret(String name, String... keysAndValues) {
		Map<String, String> content = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			content.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		this.secrets.put(name, content);
		return this;
	}

	/** Leaves a secret out, as a charm that could not read it does. */
	ClientEntries unresolved(String name) {
		this.secrets.remove(name);
		return this;
	}

	/** Turns TLS on with a CA, in {@code secret-tls}. */
	ClientEntries tls(String ca) {
		bag("secret-tls", "secret://4b1c/d0d1b");
		return secret("secret-tls", "tls", "True", "tls-ca", ca);
	}

	ClientEntries endpoint(String endpoint) {
		put("endpoint", endpoint);
		return this;
	}

	static String file(Map<?, ?>... relations) {
		return MAPPER.writeValueAsString(Map.of("version", 1, "relations", List.of(relations)));
	}

	static StateFile state(Map<?, ?>... relations) {
		return StateFile.parse(file(relations), "test.json");
	}

	EndpointRelations read() {
		return state(this).endpoint("database", null);
	}

}
