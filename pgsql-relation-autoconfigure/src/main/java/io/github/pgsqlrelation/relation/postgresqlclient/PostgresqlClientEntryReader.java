package io.github.pgsqlrelation.relation.postgresqlclient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import io.github.pgsqlrelation.connection.ConnectionStringException;
import io.github.pgsqlrelation.relation.EntryFields;
import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationEntryReader;
import io.github.pgsqlrelation.relation.RelationRef;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads the state file entries of the {@code postgresql_client} interface: what this
 * application requested, the provider's application bag as Juju returns it, and the
 * content of the Juju secrets the bag names, as the charm resolved them (see
 * {@code docs/relation-state.md}). Endpoint lists, URIs, {@code tls} and {@code tls-ca}
 * are checked here, so that a malformed value is reported with its key path when the file
 * is read; messages never quote a value that may be a secret.
 */
public final class PostgresqlClientEntryReader implements RelationEntryReader {

	/** The keys every {@code postgresql_client} entry has, besides the envelope's. */
	public static final List<String> REQUIRED = List.of("requested", "remote-app-data");

	/** The keys of {@code requested}. */
	public static final List<String> REQUESTED_REQUIRED = List.of("database");

	private static final Set<String> USER_KEYS = Set.of("username", "password", "uris", "read-only-uris");

	private final CaFiles caFiles;

	/**
	 * Creates a reader that writes each relation's CA certificates to a private directory
	 * of this process under {@code java.io.tmpdir}.
	 */
	public PostgresqlClientEntryReader() {
		this(CaFiles.DEFAULT);
	}

	PostgresqlClientEntryReader(CaFiles caFiles) {
		this.caFiles = caFiles;
	}

	@Override
	public String interfaceName() {
		return "postgresql_client";
	}

	@Override
	public RelationEntry read(JsonNode entry, String path, RelationRef ref, EntryFields fields) {
		fields.requireFields(entry, path, REQUIRED);
		String requestedPath = fields.child(path, "requested");
		Map<String, String> requested = fields.strings(entry.get("requested"), requestedPath);
		fields.requireFields(entry.get("requested"), requestedPath, REQUESTED_REQUIRED);
		String bagPath = fields.child(path, "remote-app-data");
		Map<String, String> bag = fields.strings(entry.get("remote-app-data"), bagPath);
		Map<String, @Nullable Map<String, String>> secrets = secrets(entry, path, fields);
		String database = requested.get("database");
		ProviderData provider = provider(bag, secrets, path, fields);
		try {
			return new ClientRelation(ref, database, provider, ClientProtocol.snapshot(ref, database, provider));
		}
		catch (ConnectionStringException ex) {
			// A character libpq cannot take (NUL) in a credential or host; the message is
			// masked
			throw fields.error(path, "the published values make no valid connection string: " + ex.getMessage(), ex);
		}
	}

	private Map<String, @Nullable Map<String, String>> secrets(JsonNode entry, String path, EntryFields fields) {
		Map<String, @Nullable Map<String, String>> secrets = new LinkedHashMap<>();
		JsonNode node = entry.get("secrets");
		if (node == null || node.isNull()) {
			return secrets;
		}
		String secretsPath = fields.child(path, "secrets");
		fields.requireObject(node, secretsPath);
		node.properties().forEach((secret) -> {
			JsonNode content = secret.getValue();
			secrets.put(secret.getKey(), (content == null || content.isNull()) ? null
					: fields.strings(content, fields.child(secretsPath, secret.getKey())));
		});
		return secrets;
	}

	private ProviderData provider(Map<String, String> bag, Map<String, @Nullable Map<String, String>> secrets,
			String path, EntryFields fields) {
		Lookup lookup = new Lookup(bag, secrets, path, fields);
		List<Host> endpoints = hosts(lookup, "endpoints");
		List<Host> uriHosts = uriHosts(lookup, "uris");
		List<Host> readOnly = hosts(lookup, "read-only-endpoints");
		if (readOnly.isEmpty()) {
			readOnly = uriHosts(lookup, "read-only-uris");
		}
		boolean tls = tls(lookup);
		String caPem = lookup.value("tls-ca");
		TrustedCa ca = null;
		Path caFile = null;
		if (caPem != null) {
			try {
				ca = TrustedCa.of(caPem);
			}
			catch (IllegalArgumentException ex) {
				throw fields.error(lookup.path("tls-ca"), ex.getMessage());
			}
			try {
				caFile = this.caFiles.write(ca);
			}
			catch (IOException ex) {
				throw fields.error(lookup.path("tls-ca"),
						"could not be written to a private file for sslrootcert: " + ex.getMessage(), ex);
			}
		}
		boolean userSecretNamed = present(bag.get(ProviderData.SECRET_USER));
		boolean tlsSecretNamed = present(bag.get(ProviderData.SECRET_TLS));
		return new ProviderData(bag, userSecretNamed ? secrets.get(ProviderData.SECRET_USER) : null, userSecretNamed,
				tlsSecretNamed, secrets.get(ProviderData.SECRET_TLS) != null, endpoints, uriHosts, readOnly, tls,
				caFile, (ca != null) ? ca.sha256() : null);
	}

	private static List<Host> hosts(Lookup lookup, String key) {
		String value = lookup.value(key);
		if (value == null) {
			return List.of();
		}
		try {
			return Endpoints.parse(value);
		}
		catch (IllegalArgumentException ex) {
			// Endpoints are no secret, but the message names the item rather than quote
			// it
			throw lookup.fields.error(lookup.path(key), "invalid host:port list: " + ex.getMessage());
		}
	}

	private static List<Host> uriHosts(Lookup lookup, String key) {
		String value = lookup.value(key);
		if (value == null) {
			return List.of();
		}
		try {
			return Endpoints.ofUri(value);
		}
		catch (IllegalArgumentException ex) {
			throw lookup.fields.error(lookup.path(key), "invalid URI: " + ex.getMessage());
		}
	}

	private static boolean tls(Lookup lookup) {
		String value = lookup.value("tls");
		if (value == null) {
			return false;
		}
		return switch (value.strip().toLowerCase(Locale.ROOT)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw lookup.fields.error(lookup.path("tls"), "expected \"True\" or \"False\"");
		};
	}

	private static boolean present(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/**
	 * Finds a value where the provider put it: in the content of the secret that holds it
	 * ({@code secret-user} or {@code secret-tls}) when resolved, else as a plain field of
	 * the bag (older providers).
	 */
	private static final class Lookup {

		private final Map<String, String> bag;

		private final Map<String, @Nullable Map<String, String>> secrets;

		private final String path;

		private final EntryFields fields;

		Lookup(Map<String, String> bag, Map<String, @Nullable Map<String, String>> secrets, String path,
				EntryFields fields) {
			this.bag = bag;
			this.secrets = secrets;
			this.path = path;
			this.fields = fields;
		}

		@Nullable String value(String key) {
			Map<String, String> secret = this.secrets.get(secretOf(key));
			String value = (secret != null) ? secret.get(key) : null;
			if (value == null || value.isBlank()) {
				value = this.bag.get(key);
			}
			return (value == null || value.isBlank()) ? null : value;
		}

		/** Returns the key path the value was taken from, for error messages. */
		String path(String key) {
			Map<String, String> secret = this.secrets.get(secretOf(key));
			if (secret != null && secret.get(key) != null && !secret.get(key).isBlank()) {
				return this.fields.child(this.fields.child(this.fields.child(this.path, "secrets"), secretOf(key)),
						key);
			}
			return this.fields.child(this.fields.child(this.path, "remote-app-data"), key);
		}

		private static String secretOf(String key) {
			if (USER_KEYS.contains(key)) {
				return ProviderData.SECRET_USER;
			}
			return key.startsWith("tls") ? ProviderData.SECRET_TLS : "";
		}

	}

}
