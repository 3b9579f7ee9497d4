package io.github.pgsqlrelation.connection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

/**
 * Writes the libpq URI form that {@link UriParser} reads back to the same keywords. User,
 * password, hosts and database go where people expect them when the URI syntax can hold
 * them exactly (it cannot hold an empty user or a port list that does not match the host
 * list, for example); everything else becomes a query parameter.
 */
final class UriWriter {

	private UriWriter() {
	}

	static String write(Map<String, String> keywords) {
		Map<String, String> rest = new LinkedHashMap<>(keywords);
		StringBuilder uri = new StringBuilder(UriParser.PREFIXES.get(0));
		String user = takeIfNotEmpty(rest, "user");
		String password = takeIfNotEmpty(rest, "password");
		if (user != null || password != null) {
			uri.append((user != null) ? PercentEncoding.encode(user) : "");
			uri.append((password != null) ? ":" + PercentEncoding.encode(password) : "").append('@');
		}
		uri.append(authorityHosts(rest));
		String dbname = takeIfNotEmpty(rest, "dbname");
		if (dbname != null) {
			uri.append('/').append(PercentEncoding.encode(dbname));
		}
		if (!rest.isEmpty()) {
			StringJoiner query = new StringJoiner("&", "?", "");
			rest.forEach((keyword, value) -> query.add(keyword + "=" + PercentEncoding.encode(value)));
			uri.append(query);
		}
		return uri.toString();
	}

	private static String authorityHosts(Map<String, String> rest) {
		String host = rest.get("host");
		String port = rest.get("port");
		List<String> hosts = (host != null) ? List.of(host.split(",", -1)) : List.of("");
		List<String> ports = (port != null) ? List.of(port.split(",", -1)) : List.of();
		boolean hostsFit = host == null || hosts.stream().anyMatch((entry) -> !entry.isEmpty());
		boolean portsFit = port == null
				|| (ports.size() == hosts.size() && ports.stream().anyMatch((entry) -> !entry.isEmpty()));
		if (!hostsFit || !portsFit) {
			return "";
		}
		rest.remove("host");
		rest.remove("port");
		StringJoiner result = new StringJoiner(",");
		for (int i = 0; i < hosts.size(); i++) {
			String entry = hosts.get(i);
			String encoded = (entry.indexOf(':') >= 0) ? "[" + PercentEncoding.encode(entry).replace("%3A", ":") + "]"
					: PercentEncoding.encode(entry);
			String entryPort = (i < ports.size() && !ports.get(i).isEmpty()) ? ":" + ports.get(i) : "";
			result.add(encoded + entryPort);
		}
		return result.toString();
	}

	private static @Nullable String takeIfNotEmpty(Map<String, String> rest, String keyword) {
		String value = rest.get(keyword);
		if (value == null || value.isEmpty()) {
			return null;
		}
		rest.remove(keyword);
		return value;
	}

}
