package io.github.pgsqlrelation.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the libpq URI form,
 * {@code postgresql://[user[:password]@][host][:port][,...][/dbname][?k=v&...]}, into
 * libpq keywords as libpq's {@code conninfo_uri_parse} does: several hosts make comma
 * lists of {@code host} and {@code port}, query parameters override the parts before
 * them, and {@code ssl=true} (accepted for JDBC compatibility) means
 * {@code sslmode=require}. Every part is percent-decoded. Error messages carry a
 * zero-based position and echo no text but a parameter name.
 */
final class UriParser {

	static final List<String> PREFIXES = List.of("postgresql://", "postgres://");

	private final String text;

	private final Map<String, String> keywords = new LinkedHashMap<>();

	private UriParser(String text) {
		this.text = text;
	}

	static boolean isUri(String text) {
		return PREFIXES.stream().anyMatch(text::startsWith);
	}

	static Map<String, String> parse(String text) {
		return new UriParser(text).parse();
	}

	private Map<String, String> parse() {
		int start = PREFIXES.stream().filter(this.text::startsWith).findFirst().orElseThrow().length();
		// Like libpq, look for user credentials up to the first '/' only: '?' may be in a
		// password.
		int at = indexOfAny(start, "@/");
		if (at < this.text.length() && this.text.charAt(at) == '@') {
			parseUserInfo(start, at);
			start = at + 1;
		}
		int authorityEnd = indexOfAny(start, "/?");
		parseHosts(start, authorityEnd);
		int queryStart = this.text.indexOf('?', authorityEnd);
		queryStart = (queryStart < 0) ? this.text.length() : queryStart;
		if (authorityEnd < queryStart) {
			putIfNotEmpty("dbname", PercentEncoding.decode(this.text, authorityEnd + 1, queryStart));
		}
		if (queryStart < this.text.length()) {
			parseQuery(queryStart + 1);
		}
		return this.keywords;
	}

	private void parseUserInfo(int start, int end) {
		int colon = this.text.indexOf(':', start);
		int userEnd = (colon >= 0 && colon < end) ? colon : end;
		putIfNotEmpty("user", PercentEncoding.decode(this.text, start, userEnd));
		if (userEnd < end) {
			putIfNotEmpty("password", PercentEncoding.decode(this.text, userEnd + 1, end));
		}
	}

	private void parseHosts(int start, int end) {
		List<String> hosts = new ArrayList<>();
		List<String> ports = new ArrayList<>();
		int index = start;
		while (true) {
			int hostEnd;
			if (index < end && this.text.charAt(index) == '[') {
				int close = this.text.indexOf(']', index);
				if (close < 0 || close >= end) {
					throw new ConnectionStringException(
							"IPv6 address opened with '[' at position " + index + " is not closed with ']'", index);
				}
				if (close == index + 1) {
					throw new ConnectionStringException("Empty IPv6 address at position " + index, index);
				}
				hosts.add(PercentEncoding.decode(this.text, index + 1, close));
				hostEnd = close + 1;
				if (hostEnd < end && ":,".indexOf(this.text.charAt(hostEnd)) < 0) {
					throw new ConnectionStringException("Unexpected character at position " + hostEnd
							+ ": expected ':', ',', '/' or '?' after an IPv6 address", hostEnd);
				}
			}
			else {
				hostEnd = indexOfAny(index, ":,", end);
				hosts.add(PercentEncoding.decode(this.text, index, hostEnd));
			}
			int entryEnd = indexOfAny(hostEnd, ",", end);
			String port = (hostEnd < entryEnd) ? this.text.substring(hostEnd + 1, entryEnd) : "";
			Keywords.checkPorts(port, hostEnd + 1);
			ports.add(port);
			if (entryEnd == end) {
				break;
			}
			index = entryEnd + 1;
		}
		putIfAnyNotEmpty("host", hosts);
		putIfAnyNotEmpty("port", ports);
	}

	private void parseQuery(int start) {
		int index = start;
		while (index < this.text.length()) {
			int end = indexOfAny(index, "&");
			if (end > index) {
				parseParameter(index, end);
			}
			index = end + 1;
		}
	}

	private void parseParameter(int start, int end) {
		int equals = indexOfAny(start, "=", end);
		if (equals == end) {
			throw new ConnectionStringException("Missing '=' in the query parameter starting at position " + start,
					start);
		}
		if (indexOfAny(equals + 1, "=", end) < end) {
			throw new ConnectionStringException(
					"Extra '=' in the query parameter starting at position " + start + ": encode it as %3D", start);
		}
		String name = PercentEncoding.decode(this.text, start, equals);
		String value = PercentEncoding.decode(this.text, equals + 1, end);
		if (name.equals("ssl")) {
			if (!value.equals("true")) {
				throw new ConnectionStringException("Invalid value of the query parameter 'ssl' at position "
						+ (equals + 1) + ": only 'true' is accepted", equals + 1);
			}
			put("sslmode", "require");
			return;
		}
		Keywords.checkKnown(name, start);
		if (name.equals("port")) {
			checkPorts(value, equals + 1, end);
		}
		put(name, value);
	}

	private static void checkPorts(String value, int start, int end) {
		if (value.length() == end - start) {
			Keywords.checkPorts(value, start);
			return;
		}
		// Percent-decoded: positions within the value no longer match the text
		try {
			Keywords.checkPorts(value, -1);
		}
		catch (ConnectionStringException ex) {
			throw new ConnectionStringException(
					"Invalid port in the value at position " + start + ": expected a number from 1 to 65535", start);
		}
	}

	private void putIfAnyNotEmpty(String keyword, List<String> values) {
		if (values.stream().anyMatch((value) -> !value.isEmpty())) {
			put(keyword, String.join(",", values));
		}
	}

	private void putIfNotEmpty(String keyword, String value) {
		if (!value.isEmpty()) {
			put(keyword, value);
		}
	}

	private void put(String keyword, String value) {
		this.keywords.remove(keyword);
		this.keywords.put(keyword, value);
	}

	private int indexOfAny(int from, String characters) {
		return indexOfAny(from, characters, this.text.length());
	}

	private int indexOfAny(int from, String characters, int end) {
		for (int i = from; i < end; i++) {
			if (characters.indexOf(this.text.charAt(i)) >= 0) {
				return i;
			}
		}
		return end;
	}

}
