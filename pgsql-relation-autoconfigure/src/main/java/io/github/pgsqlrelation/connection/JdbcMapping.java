package io.github.pgsqlrelation.connection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import org.postgresql.PGProperty;

/**
 * Maps libpq keywords to a pgjdbc URL and properties, honouring libpq's meaning or
 * failing.
 * <p>
 * The URL holds the hosts, ports and database only. A keyword that pgjdbc cannot honour
 * is an error naming it, except when its value is libpq's default (then it asks for
 * nothing and is ignored). libpq enables TCP keepalives unless {@code keepalives=0}, so
 * {@code tcpKeepAlive} is always set. {@code keepalives_idle},
 * {@code keepalives_interval}, {@code keepalives_count} and {@code tcp_user_timeout} are
 * errors: pgjdbc has no per-connection setting for them.
 */
final class JdbcMapping {

	private static final Map<String, String> TARGET_SERVER_TYPES = Map.of("any", "any", "read-write", "primary",
			"primary", "primary", "read-only", "secondary", "standby", "secondary", "prefer-standby",
			"preferSecondary");

	private static final Map<String, String> DEFAULTS = Map.of("sslcompression", "0", "sslsni", "1",
			"ssl_min_protocol_version", "TLSv1.2", "sslcertmode", "allow", "gssdelegation", "0", "min_protocol_version",
			"3.0", "max_protocol_version", "3.0");

	private static final List<String> URL_KEYWORDS = List.of("host", "hostaddr", "port", "dbname");

	private final Map<String, String> keywords;

	private final Map<String, String> properties = new LinkedHashMap<>();

	private JdbcMapping(Map<String, String> keywords) {
		this.keywords = keywords;
	}

	static JdbcConnection map(Map<String, String> keywords) {
		return new JdbcMapping(keywords).map();
	}

	private JdbcConnection map() {
		String url = url();
		this.properties.put(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
		this.keywords.forEach(this::map);
		return new JdbcConnection(url, this.properties);
	}

	private String url() {
		List<Host> hosts = HostList.connected(this.keywords);
		if (hosts.isEmpty()) {
			throw new ConnectionStringException("No host given: libpq would use a Unix-domain socket, which the "
					+ "PostgreSQL JDBC driver cannot use; give host=...");
		}
		StringJoiner authority = new StringJoiner(",");
		for (Host host : hosts) {
			checkTcp(host.name());
			String name = (host.name().indexOf(':') >= 0) ? "[" + host.name() + "]" : host.name();
			authority.add(name + ":" + host.port());
		}
		// libpq's default database is the user name; say so rather than leave it to the
		// driver.
		String dbname = this.keywords.getOrDefault("dbname", this.keywords.getOrDefault("user", ""));
		return "jdbc:postgresql://" + authority + "/" + PercentEncoding.encode(dbname);
	}

	private static void checkTcp(String host) {
		if (host.isEmpty()) {
			throw new ConnectionStringException("Empty host in the host list: libpq would use a Unix-domain socket, "
					+ "which the PostgreSQL JDBC driver cannot use");
		}
		if (host.startsWith("/") || host.startsWith("@")) {
			throw new ConnectionStringException("Host '" + host + "' is a Unix-domain socket, which the PostgreSQL "
					+ "JDBC driver cannot use; give a host name or address");
		}
		if (host.indexOf('/') >= 0 || host.indexOf('?') >= 0) {
			// In the URL, they would end the host list and make the rest a database or
			// parameters
			throw new ConnectionStringException("Host '" + host + "' holds '/' or '?', which cannot be given to the "
					+ "PostgreSQL JDBC driver in a host name; give a host name or address");
		}
	}

	private void map(String keyword, String value) {
		if (URL_KEYWORDS.contains(keyword) || value.equals(DEFAULTS.get(keyword))) {
			return;
		}
		switch (keyword) {
			case "user" -> put(PGProperty.USER, value);
			case "password" -> put(PGProperty.PASSWORD, value);
			case "service" -> put(PGProperty.SERVICE, value);
			case "options" -> put(PGProperty.OPTIONS, value);
			case "application_name" -> put(PGProperty.APPLICATION_NAME, value);
			case "fallback_application_name" -> {
				if (!this.keywords.containsKey("application_name")) {
					put(PGProperty.APPLICATION_NAME, value);
				}
			}
			case "connect_timeout" -> put(PGProperty.CONNECT_TIMEOUT, connectTimeout(value));
			case "keepalives" -> put(PGProperty.TCP_KEEP_ALIVE, String.valueOf(integer(keyword, value) != 0));
			case "client_encoding" -> checkClientEncoding(value);
			case "sslmode" -> put(PGProperty.SSL_MODE, sslMode(value));
			case "sslrootcert" -> put(PGProperty.SSL_ROOT_CERT, sslRootCert(value));
			case "sslcert" -> put(PGProperty.SSL_CERT, value);
			case "sslkey" -> put(PGProperty.SSL_KEY, value);
			case "sslpassword" -> put(PGProperty.SSL_PASSWORD, value);
			case "sslnegotiation" -> put(PGProperty.SSL_NEGOTIATION, choice(keyword, value, "postgres", "direct"));
			case "channel_binding" ->
				put(PGProperty.CHANNEL_BINDING, choice(keyword, value, "disable", "prefer", "require"));
			case "gssencmode" ->
				put(PGProperty.GSS_ENC_MODE, choice(keyword, value, "disable", "allow", "prefer", "require"));
			case "gsslib" -> put(PGProperty.GSS_LIB, choice(keyword, value, "gssapi", "sspi"));
			case "krbsrvname" -> put(PGProperty.KERBEROS_SERVER_NAME, value);
			case "require_auth" -> put(PGProperty.REQUIRE_AUTH, value);
			case "replication" -> replication(value);
			case "target_session_attrs" -> put(PGProperty.TARGET_SERVER_TYPE, targetServerType(value));
			case "load_balance_hosts" -> put(PGProperty.LOAD_BALANCE_HOSTS,
					String.valueOf(choice(keyword, value, "disable", "random").equals("random")));
			default -> throw cannotHonour(keyword);
		}
	}

	private void put(PGProperty property, String value) {
		this.properties.put(property.getName(), value);
	}

	private String sslMode(String value) {
		choice("sslmode", value, "disable", "allow", "prefer", "require", "verify-ca", "verify-full");
		// libpq: "if a root CA file exists, require behaves like verify-ca"; given
		// explicitly, it surely exists.
		return (value.equals("require") && this.keywords.containsKey("sslrootcert")) ? "verify-ca" : value;
	}

	private static String sslRootCert(String value) {
		if (value.equals("system")) {
			throw new ConnectionStringException("sslrootcert=system (the system's trusted CAs) cannot be honoured by "
					+ "the PostgreSQL JDBC driver; give the path of a root certificate file");
		}
		return value;
	}

	private static String connectTimeout(String value) {
		int seconds = integer("connect_timeout", value);
		// libpq: zero or negative waits forever (pgjdbc: 0), and 1 second means 2.
		return String.valueOf((seconds <= 0) ? 0 : Math.max(seconds, 2));
	}

	private static void checkClientEncoding(String value) {
		String normalized = value.toUpperCase(Locale.ROOT).replace("-", "");
		if (!normalized.equals("UTF8") && !normalized.equals("UNICODE")) {
			throw new ConnectionStringException(
					"client_encoding=" + value + " cannot be honoured: the PostgreSQL JDBC driver always uses UTF8");
		}
	}

	private void replication(String value) {
		switch (value.toLowerCase(Locale.ROOT)) {
			case "database" -> put(PGProperty.REPLICATION, "database");
			case "true", "on", "yes", "1" -> put(PGProperty.REPLICATION, "true");
			case "false", "off", "no", "0" -> {
			}
			default -> throw new ConnectionStringException(
					"Invalid replication value '" + value + "': expected database or a boolean");
		}
	}

	private static String targetServerType(String value) {
		String type = TARGET_SERVER_TYPES.get(value);
		if (type == null) {
			throw new ConnectionStringException("Invalid target_session_attrs value '" + value + "': expected one of "
					+ "any, read-write, primary, read-only, standby, prefer-standby");
		}
		return type;
	}

	private static int integer(String keyword, String value) {
		try {
			return Integer.parseInt(value.strip());
		}
		catch (NumberFormatException ex) {
			throw new ConnectionStringException("Invalid " + keyword + " value '" + value + "': expected an integer");
		}
	}

	private static String choice(String keyword, String value, String... choices) {
		if (!List.of(choices).contains(value)) {
			throw new ConnectionStringException(
					"Invalid " + keyword + " value '" + value + "': expected one of " + String.join(", ", choices));
		}
		return value;
	}

	private static ConnectionStringException cannotHonour(String keyword) {
		String onlyDefault = DEFAULTS.containsKey(keyword) ? " other than libpq's default " + DEFAULTS.get(keyword)
				: "";
		return new ConnectionStringException("Keyword '" + keyword + "' cannot be honoured by the PostgreSQL JDBC "
				+ "driver, which has no equivalent setting" + onlyDefault + "; remove it from the connection string");
	}

}
