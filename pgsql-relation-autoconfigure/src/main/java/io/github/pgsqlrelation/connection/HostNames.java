package io.github.pgsqlrelation.connection;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The libpq host names of the addresses a connection string connects to
 * ({@code hostaddr}), passed to pgjdbc in one driver property,
 * {@link LibpqHostnameVerifier#HOST_NAMES}: one {@code address port host} per line, the
 * address as written in the URL.
 */
final class HostNames {

	private final Map<String, String> names;

	private HostNames(Map<String, String> names) {
		this.names = names;
	}

	static HostNames of(Properties properties) {
		Map<String, String> result = new LinkedHashMap<>();
		for (String line : properties.getProperty(LibpqHostnameVerifier.HOST_NAMES, "").split("\n")) {
			int lastSpace = line.lastIndexOf(' ');
			if (lastSpace > 0) {
				result.put(line.substring(0, lastSpace), line.substring(lastSpace + 1));
			}
		}
		return new HostNames(result);
	}

	static String format(Map<String, String> names) {
		StringBuilder result = new StringBuilder();
		names.forEach((addressAndPort, host) -> result.append(addressAndPort).append(' ').append(host).append('\n'));
		return result.toString();
	}

	static String key(String address, int port) {
		return address + " " + port;
	}

	/** Returns the host name of an address and port, else the address itself. */
	String nameOf(String address, int port) {
		return this.names.getOrDefault(key(address, port), address);
	}

}
