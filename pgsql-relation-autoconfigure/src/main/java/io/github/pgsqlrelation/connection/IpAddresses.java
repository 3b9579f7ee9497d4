package io.github.pgsqlrelation.connection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Tells numeric IP addresses from host names without a name lookup.
 */
final class IpAddresses {

	private static final Pattern IPV4 = Pattern
		.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

	/**
	 * Hex digits, colons and dots (an IPv4 tail), then an optional zone. Text of this
	 * shape that holds a colon is parsed by {@link InetAddress} as an IPv6 literal, never
	 * looked up.
	 */
	private static final Pattern IPV6_SHAPE = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?");

	private IpAddresses() {
	}

	/**
	 * Whether the text is a numeric IPv4 address (dotted decimal) or IPv6 address
	 * (optionally with a zone), as libpq takes in {@code hostaddr}.
	 */
	static boolean isNumeric(String text) {
		if (IPV4.matcher(text).matches()) {
			return true;
		}
		if (text.indexOf(':') < 0 || !IPV6_SHAPE.matcher(text).matches()) {
			return false;
		}
		try {
			InetAddress.getByName(text);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
