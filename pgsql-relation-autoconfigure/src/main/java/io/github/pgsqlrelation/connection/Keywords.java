package io.github.pgsqlrelation.connection;

import java.util.Set;

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

	private Keywords() {
	}

	static boolean isSecret(String keyword) {
		return SECRETS.contains(keyword);
	}

	static void checkKnown(String keyword, int position) {
		if (!KNOWN.contains(keyword)) {
			throw new ConnectionStringException(
					(keyword.isEmpty() ? "Empty keyword" : "Unknown keyword '" + keyword + "'") + at(position),
					position);
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
