package io.github.pgsqlrelation.connection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

/**
 * Maps libpq keywords to a pgjdbc URL and properties, honouring libpq's meaning or
 * failing.
 * <p>
 * The URL holds the hosts, ports and database only. A keyword that pgjdbc cannot honour
 * with libpq's meaning is an error naming it, its value (unless a secret) and why, except
 * when its value is libpq's default (then it asks for nothing and is ignored). libpq
 * enables TCP keepalives unless {@code keepalives=0}, so {@code tcpKeepAlive} is always
 * set. The table of every keyword is {@code docs/libpq-keywords.md}; the sources of the
 * rules are the PostgreSQL manual ("Parameter Key Words", "SSL Support") and libpq's
 * {@code fe-connect.c} and {@code fe-secure-openssl.c}.
 */
final class JdbcMapping {

	/**
	 * pgjdbc tells a primary from a standby by {@code transaction_read_only} (after
	 * {@code in_hot_standby}): its {@code primary} is libpq's {@code read-write} and its
	 * {@code secondary} libpq's {@code read-only}. libpq's {@code primary} is mapped to
	 * pgjdbc's too: the two differ only on a primary whose sessions are read-only by
	 * default, which pgjdbc refuses to connect to (an error, not another server).
	 */
	private static final Map<String, String> TARGET_SERVER_TYPES = Map.of("any", "any", "read-write", "primary",
			"primary", "primary", "read-only", "secondary");

	private static final String LIBPQ_DEFAULT_SSLMODE = "prefer";

	/** The {@code require_auth} methods of libpq that pgjdbc knows too. */
	private static final List<String> AUTH_METHODS = List.of("password", "md5", "gss", "sspi", "scram-sha-256", "none");

	private static final Map<String, String> DEFAULTS = Map.of("sslcompression", "0", "sslsni", "1",
			"ssl_min_protocol_version", "TLSv1.2", "sslcertmode", "allow", "gssdelegation", "0", "min_protocol_version",
			"3.0", "max_protocol_version", "3.0");

	private static final Map<String, String> KEEPALIVE_TIMING = Map.of("keepalives_idle",
			LibpqSocketFactory.KEEPALIVES_IDLE, "keepalives_interval", LibpqSocketFactory.KEEPALIVES_INTERVAL,
			"keepalives_count", LibpqSocketFactory.KEEPALIVES_COUNT);

	private static final List<String> URL_KEYWORDS = List.of("host", "hostaddr", "port", "dbname");

	private final Map<String, String> keywords;

	private final Path libpqDirectory;

	private final Map<String, String> properties = new LinkedHashMap<>();

	private JdbcMapping(Map<String, String> keywords, Path libpqDirectory) {
		this.keywords = keywords;
		this.libpqDirectory = libpqDirectory;
	}

	static JdbcConnection map(Map<String, String> keywords) {
		return map(keywords, LibpqFiles.defaultDirectory());
	}

	/**
	 * Maps with the given directory of libpq's default files ({@code root.crt}, ...),
	 * {@code ~/.postgresql} outside tests.
	 */
	static JdbcConnection map(Map<String, String> keywords, Path libpqDirectory) {
		return new JdbcMapping(keywords, libpqDirectory).map();
	}

	private JdbcConnection map() {
		String url = url();
		this.properties.put(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
		this.keywords.forEach(this::map);
		keepalives();
		sslMode();
		sslKey();
		return new JdbcConnection(url, this.properties);
	}

	private String url() {
		checkHostAddresses();
		List<Host> hosts = HostList.connected(this.keywords);
		if (hosts.isEmpty()) {
			throw new ConnectionStringException("No host given: libpq would use a Unix-domain socket, which the "
					+ "PostgreSQL JDBC driver cannot use; give host=...");
		}
		List<Host> named = HostList.named(this.keywords);
		Map<String, String> hostNames = new LinkedHashMap<>();
		StringJoiner authority = new StringJoiner(",");
		for (int i = 0; i < hosts.size(); i++) {
			Host host = hosts.get(i);
			checkTcp(host.name());
			String name = (host.name().indexOf(':') >= 0) ? "[" + host.name() + "]" : host.name();
			authority.add(name + ":" + host.port());
			if (!named.get(i).name().equals(host.name())) {
				addHostName(hostNames, name, host.port(), named.get(i).name());
			}
		}
		if (!hostNames.isEmpty()) {
			put(PGProperty.SSL_HOSTNAME_VERIFIER, LibpqHostnameVerifier.class.getName());
			put(PGProperty.SSL_FACTORY, LibpqSslFactory.class.getName());
			this.properties.put(LibpqHostnameVerifier.HOST_NAMES, HostNames.format(hostNames));
		}
		// libpq's default database is the user name; say so rather than leave it to the
		// driver.
		String dbname = this.keywords.getOrDefault("dbname", this.keywords.getOrDefault("user", ""));
		return "jdbc:postgresql://" + authority + "/" + PercentEncoding.encode(dbname);
	}

	/**
	 * libpq takes {@code hostaddr} as numeric addresses only and never looks them up.
	 */
	private void checkHostAddresses() {
		String addresses = this.keywords.get("hostaddr");
		if (addresses == null) {
			return;
		}
		for (String address : addresses.split(",", -1)) {
			if (!address.isEmpty() && !IpAddresses.isNumeric(address)) {
				throw new ConnectionStringException("hostaddr entry '" + address + "' is not a numeric IPv4 or IPv6 "
						+ "address, which libpq requires (it never looks hostaddr up); give the address, or the "
						+ "name in host");
			}
		}
	}

	/**
	 * Where libpq connects to {@code hostaddr}, it verifies the server certificate
	 * ({@code sslmode=verify-full}) against {@code host} and sends {@code host} as SNI:
	 * so do {@link LibpqHostnameVerifier} and {@link LibpqSslFactory}.
	 */
	private static void addHostName(Map<String, String> hostNames, String address, int port, String host) {
		if (host.isEmpty()) {
			return;
		}
		if (host.chars().anyMatch((c) -> KeywordValueParser.isWhitespace((char) c))) {
			throw new ConnectionStringException("Host '" + host + "' holds whitespace, which no host name does; give "
					+ "the host name the server certificate names");
		}
		String previous = hostNames.putIfAbsent(HostNames.key(address, port), host);
		if (previous != null && !previous.equals(host)) {
			throw new ConnectionStringException("Hosts '" + previous + "' and '" + host + "' have the same hostaddr "
					+ address + " and port " + port + ": the PostgreSQL JDBC driver could not tell which name to "
					+ "verify the server certificate against; give each its own address or port");
		}
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
			case "service" -> throw cannotHonour(keyword, value, "the PostgreSQL JDBC driver reads a service only "
					+ "from its URL, looks for service files elsewhere than libpq and lets other settings override "
					+ "the service's differently; write the service's keywords into the connection string");
			case "passfile" -> throw cannotHonour(keyword, value, "the PostgreSQL JDBC driver reads a password file "
					+ "only from ~/.pgpass, PGPASSFILE or the system property org.postgresql.pgpassfile; give the "
					+ "password, or put the file there");
			// libpq checks the server's user only over Unix-domain sockets, never used
			// here.
			case "requirepeer" -> {
			}
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
			// Decided by sslMode(), which sees sslrootcert too.
			case "sslmode" ->
				choice(keyword, value, "disable", "allow", "prefer", "require", "verify-ca", "verify-full");
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
			case "require_auth" -> requireAuth(value);
			case "replication" -> replication(value);
			case "target_session_attrs" -> put(PGProperty.TARGET_SERVER_TYPE, targetServerType(value));
			case "load_balance_hosts" -> put(PGProperty.LOAD_BALANCE_HOSTS,
					String.valueOf(choice(keyword, value, "disable", "random").equals("random")));
			case "sslcrl",
					"sslcrldir" ->
				throw cannotHonour(keyword, value,
						"the PostgreSQL JDBC driver checks no "
								+ "certificate revocation list of its own (revocation checking is JVM-wide: "
								+ "com.sun.net.ssl.checkRevocation)");
			// libpq sends SNI only with sslsni=1, its default.
			case "sslsni" -> {
				put(PGProperty.SSL_FACTORY, LibpqSslFactory.class.getName());
				this.properties.put(LibpqSslFactory.SSL_SNI, "0");
			}
			case "sslcompression" ->
				throw cannotHonour(keyword, value, "the PostgreSQL JDBC driver never compresses TLS traffic");
			case "keepalives_idle", "keepalives_interval", "keepalives_count" ->
				keepalive(KEEPALIVE_TIMING.get(keyword), keyword, value);
			case "tcp_user_timeout" -> {
				// libpq: zero (its default) or less leaves the system's default.
				if (integer(keyword, value) > 0) {
					throw cannotHonour(keyword, value, "neither the PostgreSQL JDBC driver nor the JVM can set "
							+ "TCP_USER_TIMEOUT on a connection, so the operating system's default would apply; "
							+ "remove it or set that default");
				}
			}
			default -> throw cannotHonour(keyword, value, "the PostgreSQL JDBC driver has no equivalent setting"
					+ (DEFAULTS.containsKey(keyword) ? " other than libpq's default " + DEFAULTS.get(keyword) : ""));
		}
	}

	/** libpq: zero or less leaves the system's default. */
	private void keepalive(String property, String keyword, String value) {
		int seconds = integer(keyword, value);
		if (seconds > 0) {
			this.properties.put(property, String.valueOf(seconds));
		}
	}

	/**
	 * libpq sets keepalive timing only where keepalives are on, which pgjdbc's own
	 * {@code tcpKeepAlive} decides; {@link LibpqSocketFactory} applies it.
	 */
	private void keepalives() {
		List<String> given = KEEPALIVE_TIMING.keySet()
			.stream()
			.filter((keyword) -> this.properties.containsKey(KEEPALIVE_TIMING.get(keyword)))
			.sorted()
			.toList();
		if (given.isEmpty()) {
			return;
		}
		if (this.properties.get(PGProperty.TCP_KEEP_ALIVE.getName()).equals("false")) {
			given.forEach((keyword) -> this.properties.remove(KEEPALIVE_TIMING.get(keyword)));
			return;
		}
		if (!LibpqSocketFactory.isSupported()) {
			throw cannotHonour(given.get(0), this.keywords.get(given.get(0)),
					"this JVM cannot set TCP keepalive timing per connection on this operating system");
		}
		put(PGProperty.SOCKET_FACTORY, LibpqSocketFactory.class.getName());
	}

	private void put(PGProperty property, String value) {
		this.properties.put(property.getName(), value);
	}

	/**
	 * libpq verifies the server certificate against a root certificate whenever one is
	 * given ({@code sslrootcert}) or its default file exists, whatever the
	 * {@code sslmode} ({@code fe-secure-openssl.c}); pgjdbc does so only in
	 * {@code verify-ca} and {@code verify-full}. So {@code require} becomes
	 * {@code verify-ca}, as the manual says; {@code allow} and {@code prefer} cannot be
	 * honoured, since libpq connects without TLS where the certificate does not verify.
	 */
	private void sslMode() {
		String given = this.keywords.get("sslmode");
		String mode = (given != null) ? given : LIBPQ_DEFAULT_SSLMODE;
		String rootCertificate = rootCertificate(mode);
		if (rootCertificate == null) {
			if (given != null) {
				put(PGProperty.SSL_MODE, given);
			}
			return;
		}
		switch (mode) {
			case "require" -> put(PGProperty.SSL_MODE, "verify-ca");
			case "allow", "prefer" -> throw new ConnectionStringException("sslmode=" + mode
					+ ((given != null) ? "" : " (libpq's default)") + " with " + rootCertificate
					+ " cannot be honoured: libpq verifies the server certificate against it and, where it does "
					+ "not verify, connects without TLS, while the PostgreSQL JDBC driver does not verify in this "
					+ "mode; give sslmode=verify-ca or verify-full to require a verified certificate");
			default -> put(PGProperty.SSL_MODE, mode);
		}
	}

	/**
	 * libpq's default client key is {@code postgresql.key}, pgjdbc's
	 * {@code postgresql.pk8}: where libpq's exists, name it.
	 */
	private void sslKey() {
		Path defaultKey = this.libpqDirectory.resolve("postgresql.key");
		if (!this.keywords.containsKey("sslkey") && !"disable".equals(this.keywords.get("sslmode"))
				&& Files.exists(defaultKey)) {
			put(PGProperty.SSL_KEY, defaultKey.toString());
		}
	}

	/**
	 * Describes the root certificate libpq verifies against, or returns {@code null} when
	 * there is none.
	 */
	private @Nullable String rootCertificate(String mode) {
		String given = this.keywords.get("sslrootcert");
		if (given != null) {
			return "sslrootcert=" + given;
		}
		Path defaultFile = this.libpqDirectory.resolve("root.crt");
		if (!mode.equals("disable") && Files.exists(defaultFile)) {
			// pgjdbc would look in the same place, but say which file was decided on.
			put(PGProperty.SSL_ROOT_CERT, defaultFile.toString());
			return "the root certificate " + defaultFile + " (libpq's default sslrootcert, which exists)";
		}
		return null;
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

	/**
	 * pgjdbc ports libpq's {@code require_auth} (same names, {@code !} to refuse) without
	 * OAuth, which it cannot do at all: a refused {@code oauth} is dropped, an allowed
	 * one alone cannot be honoured. A list that refuses every method pgjdbc knows would
	 * read as no restriction to pgjdbc.
	 */
	private void requireAuth(String value) {
		List<String> methods = List.of(value.split(",", -1)).stream().map(String::strip).toList();
		boolean refusing = methods.get(0).startsWith("!");
		List<String> kept = new ArrayList<>();
		for (String method : methods) {
			String name = method.startsWith("!") ? method.substring(1) : method;
			if (method.startsWith("!") != refusing) {
				throw new ConnectionStringException("Invalid require_auth value '" + value
						+ "': methods to refuse (!) cannot be mixed with methods to allow");
			}
			if (!name.equals("oauth") && !AUTH_METHODS.contains(name)) {
				throw new ConnectionStringException("Invalid require_auth value '" + value + "': unknown method '"
						+ name + "', expected " + String.join(", ", AUTH_METHODS) + " or oauth");
			}
			if (!name.equals("oauth")) {
				kept.add(method);
			}
		}
		if (kept.isEmpty() && !refusing) {
			throw cannotHonour("require_auth", value, "the PostgreSQL JDBC driver cannot authenticate with OAuth");
		}
		if (refusing && kept.size() == AUTH_METHODS.size()) {
			throw cannotHonour("require_auth", value, "it refuses every method, which the PostgreSQL JDBC driver "
					+ "would read as no restriction at all");
		}
		if (!kept.isEmpty()) {
			put(PGProperty.REQUIRE_AUTH, String.join(",", kept));
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
		if (value.equals("standby") || value.equals("prefer-standby")) {
			throw cannotHonour("target_session_attrs", value, "libpq takes any server in hot standby (" + value
					+ "), while the PostgreSQL JDBC driver also takes a primary whose transactions are read-only by "
					+ "default (default_transaction_read_only=on) for a standby; give read-only, which the driver "
					+ "honours, if that is meant");
		}
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

	private static ConnectionStringException cannotHonour(String keyword, String value, String why) {
		String shown = Keywords.isSecret(keyword) ? ConnectionStrings.MASK : value;
		return new ConnectionStringException(
				keyword + "=" + KeywordValueWriter.quoteIfNeeded(shown) + " cannot be honoured: " + why);
	}

}
