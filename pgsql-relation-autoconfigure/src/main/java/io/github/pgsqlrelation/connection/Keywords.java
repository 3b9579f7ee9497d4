package io.github.pgsqlrelation.connection;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keyword names libpq knows (PostgreSQL 18's {@code PQconninfoOptions}), which of
 * them hold secrets, and the checks every form applies to keywords and values.
 */
final class Keywords {

	static final Set<String> KNOWN = Set.of("service", "user", "password", "passfile", "channel_binding",
			"connect_timeout", "dbname", "host", "hostaddr", "port", "client_encoding", "options", "application_name",
			"fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
			"tcp_user_timeout", "sslmode", "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslcertmode",
			"sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "sslkeylogfile", "requirepeer",
			"require_auth", "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version",
			"max_protocol_version", "gssencmode", "krbsrvname", "gsslib", "gssdelegation", "replication",
			"target_session_attrs", "load_balance_hosts", "scram_client_key", "scram_server_key", "oauth_issuer",
			"oauth_client_id", "oauth_client_secret", "oauth_scope");

	/** Keywords whose values are never shown; {@code password} is pgjdbc's name too. */
	static final Set<String> SECRETS = Set.of("password", "sslpassword", "oauth_client_secret", "scram_client_key",
			"scram_server_key");

	private static final Pattern LOOKS_LIKE_KEYWORD = Pattern.compile("[A-Za-z_]{1,64}");

	private Keywords() {
	}

	static boolean isSecret(String keyword) {
		return SECRETS.contains(keyword);
	}

	/**
	 * Checks that libpq knows a keyword. An unknown one is echoed only when it is made of
	 * letters and underscores, as keywords are: anything else may hold a secret, such as
	 * a URI whose scheme is mistyped ({@code postgresq://user:secret@host?sslmode=...})
	 * and so is read as a keyword.
	 */
	static void checkKnown(String keyword, int position) {
		if (!KNOWN.contains(keyword)) {
			String what = keyword.isEmpty() ? "Empty keyword" : LOOKS_LIKE_KEYWORD.matcher(keyword).matches()
					? "Unknown keyword '" + keyword + "'" : "Unknown keyword";
			throw new ConnectionStringException(what + at(position), position);
		}
	}

	/**
	 * Checks a libpq port list: comma-separated numbers from 1 to 65535, an empty entry
	 * meaning the default port. The message does not echo the port: in a URI without
	 * {@code @}, a mistyped {@code user:password} reads as {@code host:port}.
	 * @param value the value of the {@code port} keyword
	 * @param position where the value starts in the parsed text, or -1
	 */
	static void checkPorts(String value, int position) {
		int start = 0;
		for (String port : value.split(",", -1)) {
			if (!port.isEmpty() && !isPort(port)) {
				int where = (position < 0) ? -1 : position + start;
				throw new ConnectionStringException("Invalid port" + at(where) + ": expected a number from 1 to 65535",
						where);
			}
			start += port.length() + 1;
		}
	}

	/**
	 * Checks that a text holds only what libpq can take: no NUL, which ends a C string
	 * (the URI form forbids {@code %00} for the same reason), and no unpaired surrogate,
	 * which has no UTF-8 form and could reach the server only as something else.
	 * @param text the parsed text or a value
	 * @param position where the text starts in the parsed text, or -1
	 */
	static void checkCharacters(String text, int position) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			int where = (position < 0) ? -1 : position + i;
			if (c == 0) {
				throw new ConnectionStringException("Forbidden NUL character" + at(where), where);
			}
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new ConnectionStringException(
						"Unpaired surrogate character" + at(where) + ": a connection string must be valid Unicode",
						where);
			}
		}
	}

	private static boolean isPort(String port) {
		if (port.length() > 5 || !port.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return false;
		}
		int number = Integer.parseInt(port);
		return number >= 1 && number <= 65535;
	}

	static String at(int position) {
		return (position < 0) ? "" : " at position " + position;
	}

}
