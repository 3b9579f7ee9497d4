package io.github.pgsqlrelation.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import org.jspecify.annotations.Nullable;

/**
 * Pairs libpq's {@code host}, {@code hostaddr} and {@code port} lists as libpq does: one
 * port applies to every host, otherwise there is one port per host; an empty entry means
 * the default port 5432.
 */
final class HostList {

	static final int DEFAULT_PORT = 5432;

	private HostList() {
	}

	/**
	 * Hosts by name ({@code host}, else {@code hostaddr}); empty when neither is given.
	 */
	static List<Host> named(Map<String, String> keywords) {
		String names = keywords.getOrDefault("host", keywords.get("hostaddr"));
		return pair(names, keywords.get("port"));
	}

	/**
	 * Hosts by the address to connect to: {@code hostaddr} where given, as libpq does.
	 */
	static List<Host> connected(Map<String, String> keywords) {
		List<Host> named = named(keywords);
		String addresses = keywords.get("hostaddr");
		if (addresses == null || !keywords.containsKey("host")) {
			return named;
		}
		String[] entries = addresses.split(",", -1);
		if (entries.length != named.size()) {
			throw new ConnectionStringException("Could not match " + entries.length + " host addresses (hostaddr) to "
					+ named.size() + " hosts (host)");
		}
		List<Host> result = new ArrayList<>();
		for (int i = 0; i < entries.length; i++) {
			result.add(new Host(entries[i].isEmpty() ? named.get(i).name() : entries[i], named.get(i).port()));
		}
		return result;
	}

	private static List<Host> pair(@Nullable String names, @Nullable String ports) {
		if (names == null) {
			return List.of();
		}
		String[] hostEntries = names.split(",", -1);
		String[] portEntries = (ports != null) ? ports.split(",", -1) : new String[] { "" };
		if (portEntries.length != 1 && portEntries.length != hostEntries.length) {
			throw new ConnectionStringException(
					"Could not match " + portEntries.length + " ports to " + hostEntries.length + " hosts");
		}
		Keywords.checkPorts((ports != null) ? ports : "", -1);
		List<Host> result = new ArrayList<>();
		for (int i = 0; i < hostEntries.length; i++) {
			String port = portEntries[(portEntries.length == 1) ? 0 : i];
			result.add(new Host(hostEntries[i], port.isEmpty() ? DEFAULT_PORT : Integer.parseInt(port)));
		}
		return result;
	}

}
