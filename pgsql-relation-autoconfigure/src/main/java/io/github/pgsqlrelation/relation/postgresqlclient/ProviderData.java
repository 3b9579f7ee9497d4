package io.github.pgsqlrelation.relation.postgresqlclient;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import org.jspecify.annotations.Nullable;

/**
 * What the provider published on one relation, its values already checked: the
 * application bag, the content of the secrets it names, and the endpoint lists and TLS
 * settings parsed, so that a malformed value is reported when the file is read.
 *
 * @param bag the provider's application bag, as Juju returns it
 * @param user the content of the secret named in {@code secret-user}, {@code null} when
 * none is named or it was not resolved
 * @param userSecretNamed whether the bag names a {@code secret-user}
 * @param tlsSecretNamed whether the bag names a {@code secret-tls}
 * @param tlsSecretResolved whether the secret named in {@code secret-tls} was resolved
 * @param endpoints the hosts of {@code endpoints}, empty when not published
 * @param uriHosts the hosts of {@code uris}, empty when not published
 * @param readOnlyEndpoints the hosts of {@code read-only-endpoints}, else of
 * {@code read-only-uris}; empty when neither is published
 * @param tls whether {@code tls} is {@code True}
 * @param caFile the private file holding {@code tls-ca}, {@code null} when not published
 * @param caSha256 the SHA-256 of {@code tls-ca}, {@code null} when not published
 */
record ProviderData(Map<String, String> bag, @Nullable Map<String, String> user, boolean userSecretNamed,
		boolean tlsSecretNamed, boolean tlsSecretResolved, List<Host> endpoints, List<Host> uriHosts,
		List<Host> readOnlyEndpoints, boolean tls, @Nullable Path caFile, @Nullable String caSha256) {

	/** The secret that holds the credentials, when the provider uses Juju secrets. */
	static final String SECRET_USER = "secret-user";

	/** The secret that holds the TLS settings, when the provider uses Juju secrets. */
	static final String SECRET_TLS = "secret-tls";

	ProviderData {
		bag = Map.copyOf(bag);
		user = (user != null) ? Map.copyOf(user) : null;
		endpoints = List.copyOf(endpoints);
		uriHosts = List.copyOf(uriHosts);
		readOnlyEndpoints = List.copyOf(readOnlyEndpoints);
	}

	/**
	 * Returns a credential ({@code username}, {@code password}): from the resolved
	 * {@code secret-user}, else the plain field of older providers; {@code null} when
	 * absent or empty.
	 */
	@Nullable String credential(String key) {
		String value = (this.user != null) ? this.user.get(key) : null;
		if (value == null || value.isEmpty()) {
			value = this.bag.get(key);
		}
		return (value == null || value.isEmpty()) ? null : value;
	}

	@Override
	public String toString() {
		// The bag and the secret's content may hold a password
		return "ProviderData[endpoints=" + this.endpoints + ", readOnlyEndpoints=" + this.readOnlyEndpoints + ", tls="
				+ this.tls + "]";
	}

}
