package io.github.pgsqlrelation.relation.postgresqlclient;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import org.jspecify.annotations.Nullable;

/**
 * Splits the provider's endpoint lists ({@code endpoints}, {@code read-only-endpoints}: a
 * comma list of {@code host:port}) and the hosts of its URIs into hosts and ports.
 * <p>
 * IPv6 hosts come bracketed ({@code [2001:db8::5]:5432}) or not
 * ({@code 2001:db8::5:5432}): an unbracketed host with more than one colon is split at
 * its last colon when what follows is a port and what precedes is an IPv6 address, and is
 * otherwise a whole address on the default port. The Kubernetes charm may write a port
 * twice in its URIs ({@code host:5432:5432}); an equal port repeated is read once.
 */
final class Endpoints {

	static final int DEFAULT_PORT = 5432;

	private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

	private static final Pattern IPV6_SHAPE = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?");

	private Endpoints() {
	}

	/**
	 * Returns the hosts of a comma list of {@code host:port}; empty for a blank value.
	 * @throws IllegalArgumentException naming the item (never its text) that is no
	 * {@code host:port}
	 */
	static List<Host> parse(String value) {
		List<Host> hosts = new ArrayList<>();
		String[] items = value.split(",", -1);
		if (value.isBlank()) {
			return hosts;
		}
		for (int i = 0; i < items.length; i++) {
			String item = items[i].strip();
			Host host = (item.isEmpty()) ? null : host(item);
			if (host == null) {
				throw new IllegalArgumentException(
						((items.length > 1) ? "item " + (i + 1) + " of " + items.length : "the value")
								+ " is not a host:port");
			}
			hosts.add(host);
		}
		return hosts;
	}

	/**
	 * Returns the hosts of a {@code postgresql://} URI's authority, tolerating what the
	 * charms write: one port after the last host only, or a port written twice.
	 * @throws IllegalArgumentException when the value is no URI with a host; the message
	 * never quotes the URI, which holds a password
	 */
	static List<Host> ofUri(String uri) {
		int scheme = uri.indexOf("://");
		if (scheme < 0) {
			throw new IllegalArgumentException("is not a postgresql:// URI");
		}
		String rest = uri.substring(scheme + 3);
		int end = indexOfAny(rest, "/?");
		String authority = (end >= 0) ? rest.substring(0, end) : rest;
		authority = authority.substring(authority.lastIndexOf('@') + 1);
		if (authority.isBlank()) {
			throw new IllegalArgumentException("names no host");
		}
		try {
			return parse(authority);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("has a host that is not a host:port");
		}
	}

	private static @Nullable Host host(String item) {
		if (item.startsWith("[")) {
			int close = item.indexOf(']');
			if (close < 0 || !isIpv6(item.substring(1, close))) {
				return null;
			}
			String after = item.substring(close + 1);
			if (after.isEmpty()) {
				return new Host(item.substring(1, close), DEFAULT_PORT);
			}
			Integer port = port(after.substring(1));
			return (after.charAt(0) == ':' && port != null) ? new Host(item.substring(1, close), port) : null;
		}
		int colon = item.lastIndexOf(':');
		if (colon < 0) {
			return new Host(item, DEFAULT_PORT);
		}
		if (item.indexOf(':') != colon || isIpv6(item)) {
			// More than one colon: an IPv6 address, with or without a port after it
			String address = item.substring(0, colon);
			Integer port = port(item.substring(colon + 1));
			if (port != null && isIpv6(address)) {
				return new Host(address, port);
			}
			if (isIpv6(item)) {
				return new Host(item, DEFAULT_PORT);
			}
			// host:port:port, the Kubernetes charm's doubled port
			int previous = item.lastIndexOf(':', colon - 1);
			Integer first = port(item.substring(previous + 1, colon));
			if (previous > 0 && port != null && port.equals(first) && item.indexOf(':') == previous) {
				return new Host(item.substring(0, previous), port);
			}
			return null;
		}
		Integer port = port(item.substring(colon + 1));
		return (colon > 0 && port != null) ? new Host(item.substring(0, colon), port) : null;
	}

	private static @Nullable Integer port(String text) {
		if (!PORT.matcher(text).matches()) {
			return null;
		}
		int port = Integer.parseInt(text);
		return (port > 0 && port <= 65535) ? port : null;
	}

	/** Whether the text is an IPv6 literal; bracketed, so that it is never looked up. */
	static boolean isIpv6(String text) {
		if (text.indexOf(':') < 0 || !IPV6_SHAPE.matcher(text).matches()) {
			return false;
		}
		try {
			return InetAddress.getByName("[" + text + "]") != null;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static int indexOfAny(String text, String characters) {
		for (int i = 0; i < text.length(); i++) {
			if (characters.indexOf(text.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

}
