package io.github.pgsqlrelation.relation.pgsql;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A CIDR subnet such as {@code 10.0.0.0/24} or {@code 2001:db8::/32}, to tell whether a
 * unit's egress subnet lies inside a subnet the server granted. The JDK has no CIDR type,
 * and this is all the protocol needs of one.
 *
 * @param address the network address bytes
 * @param prefixLength the number of leading bits that make the network
 */
record Subnet(byte[] address, int prefixLength) {

	// Literal addresses only: InetAddress.getByName must never resolve a host name here.
	private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

	/**
	 * Parses a CIDR subnet (a bare address is a single host), or returns {@code null}.
	 */
	static @Nullable Subnet parse(String text) {
		int slash = text.indexOf('/');
		String host = (slash >= 0) ? text.substring(0, slash) : text;
		if (!LITERAL.matcher(host).matches()) {
			return null;
		}
		try {
			byte[] address = InetAddress.getByName(host).getAddress();
			int prefixLength = (slash >= 0) ? Integer.parseInt(text.substring(slash + 1)) : address.length * 8;
			return (prefixLength >= 0 && prefixLength <= address.length * 8) ? new Subnet(address, prefixLength) : null;
		}
		catch (UnknownHostException | NumberFormatException ex) {
			return null;
		}
	}

	/** Whether every address of {@code other} is in this subnet. */
	boolean contains(Subnet other) {
		if (other.address.length != this.address.length || other.prefixLength < this.prefixLength) {
			return false;
		}
		int fullBytes = this.prefixLength / 8;
		int remainingBits = this.prefixLength % 8;
		if (!Arrays.equals(this.address, 0, fullBytes, other.address, 0, fullBytes)) {
			return false;
		}
		if (remainingBits == 0) {
			return true;
		}
		int mask = (0xFF << (8 - remainingBits)) & 0xFF;
		return (this.address[fullBytes] & mask) == (other.address[fullBytes] & mask);
	}

	/**
	 * Whether a unit's egress subnet is granted by one of the allowed subnets: listed as
	 * is (as the Python library checks), or inside a wider allowed subnet (as the
	 * server's {@code pg_hba.conf} will let it in).
	 */
	static boolean granted(String egress, Iterable<String> allowed) {
		Subnet inner = parse(egress);
		for (String candidate : allowed) {
			if (candidate.equals(egress)) {
				return true;
			}
			Subnet outer = parse(candidate);
			if (inner != null && outer != null && outer.contains(inner)) {
				return true;
			}
		}
		return false;
	}

}
