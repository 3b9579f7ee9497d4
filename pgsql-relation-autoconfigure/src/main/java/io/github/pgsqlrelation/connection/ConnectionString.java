package io.github.pgsqlrelation.connection;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A libpq connection string, as published in the {@code master} and {@code standbys}
 * fields of the {@code pgsql} relation. Immutable; equal by content (keyword order does
 * not matter); {@link #toString()} masks the password.
 * <p>
 * Both libpq forms are read (see "Connection Strings" in the PostgreSQL manual):
 * keyword=value pairs and {@code postgresql://} or {@code postgres://} URIs. Keywords are
 * libpq's names ({@code dbname}, {@code host}, {@code port}, ...), whichever form they
 * came from; several hosts are comma lists in {@code host} and {@code port}, as libpq
 * keeps them. Only keywords that libpq knows are accepted.
 * <p>
 * Errors are {@link ConnectionStringException}s; a syntax error gives the zero-based
 * position in the parsed text, and no message ever holds a password.
 */
public final class ConnectionString {

	private final Map<String, String> keywords;

	private ConnectionString(Map<String, String> keywords) {
		Map<String, String> copy = new LinkedHashMap<>();
		keywords.forEach((keyword, value) -> {
			Keywords.checkKnown(keyword, -1);
			Objects.requireNonNull(value, () -> "Value of keyword '" + keyword + "' must not be null");
			Keywords.checkCharacters(value, -1);
			if (keyword.equals("port")) {
				Keywords.checkPorts(value, -1);
			}
			copy.put(keyword, value);
		});
		this.keywords = Collections.unmodifiableMap(copy);
	}

	/**
	 * Parses either libpq form: keyword=value pairs or a {@code postgresql://} URI.
	 * @throws ConnectionStringException on a syntax error, an unknown keyword, a NUL or
	 * an unpaired surrogate character, with its zero-based position
	 */
	public static ConnectionString parse(String text) {
		Keywords.checkCharacters(text, 0);
		return new ConnectionString(UriParser.isUri(text) ? UriParser.parse(text) : KeywordValueParser.parse(text));
	}

	/**
	 * Builds a connection string from keywords (libpq keyword names), in the map's order.
	 * @throws ConnectionStringException on an unknown keyword, an invalid port or a value
	 * with a NUL or an unpaired surrogate character
	 */
	public static ConnectionString of(Map<String, String> keywords) {
		return new ConnectionString(keywords);
	}

	/** Returns the value of a libpq keyword, or {@code null} when absent. */
	public @Nullable String get(String keyword) {
		return this.keywords.get(keyword);
	}

	/** Returns all keywords (unmodifiable), in the order they were given. */
	public Map<String, String> keywords() {
		return this.keywords;
	}

	/** Returns the database name ({@code dbname}), or {@code null} when absent. */
	public @Nullable String database() {
		return get("dbname");
	}

	/** Returns the user name ({@code user}), or {@code null} when absent. */
	public @Nullable String user() {
		return get("user");
	}

	/**
	 * Returns the hosts with their ports, as libpq pairs the {@code host} (else
	 * {@code hostaddr}) and {@code port} lists: one port applies to every host, an empty
	 * entry means 5432. Empty when no host is given (libpq's default, a Unix-domain
	 * socket).
	 * @throws ConnectionStringException when the port list does not match the host list
	 */
	public List<Host> hosts() {
		return HostList.named(this.keywords);
	}

	/**
	 * Returns a copy with some keywords replaced or added; a {@code null} value removes
	 * the keyword.
	 */
	public ConnectionString with(Map<String, @Nullable String> replacements) {
		Map<String, String> result = new LinkedHashMap<>(this.keywords);
		replacements.forEach((keyword, value) -> {
			if (value != null) {
				result.put(keyword, value);
			}
			else {
				result.remove(keyword);
			}
		});
		return new ConnectionString(result);
	}

	/** Returns the keyword=value form, password included, quoted where libpq needs it. */
	public String toKeywordValueString() {
		return KeywordValueWriter.write(this.keywords);
	}

	/** Returns the postgresql:// URI form, password included. */
	public String toUri() {
		return UriWriter.write(this.keywords);
	}

	/**
	 * Returns what the PostgreSQL JDBC driver needs: a URL that holds only hosts, ports
	 * and the database, and driver properties by pgjdbc name, each keyword keeping
	 * libpq's meaning. The table of every keyword is {@code docs/libpq-keywords.md}; in
	 * short: {@code hostaddr}, where given, is the address connected to, and the server
	 * certificate is verified against {@code host} ({@code sslmode=verify-full}) by
	 * {@link LibpqHostnameVerifier}; {@code sslmode=require} with a root certificate
	 * ({@code sslrootcert}, else an existing {@code ~/.postgresql/root.crt}) becomes
	 * {@code verify-ca}, as in libpq; {@code keepalives} is {@code tcpKeepAlive},
	 * {@code true} unless {@code keepalives=0}, and the keepalive timing is set by
	 * {@link LibpqSocketFactory}; {@code target_session_attrs} {@code read-write} and
	 * {@code read-only} are pgjdbc's {@code primary} and {@code secondary}. A missing
	 * {@code dbname} is the user name, as in libpq.
	 * @return the URL and driver properties
	 * @throws ConnectionStringException naming the keyword, its value (unless a secret)
	 * and why, for what pgjdbc cannot honour with libpq's meaning: a Unix-domain socket
	 * host, no host, a {@code hostaddr} that is not a numeric address,
	 * {@code sslmode=allow} or {@code prefer} (also libpq's default) with a root
	 * certificate, {@code target_session_attrs=standby} or {@code prefer-standby},
	 * {@code service}, {@code passfile}, {@code sslcrl}, {@code tcp_user_timeout} and any
	 * keyword pgjdbc has no setting for, unless its value is libpq's default
	 */
	public JdbcConnection toJdbc() {
		return JdbcMapping.map(this.keywords);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof ConnectionString that && this.keywords.equals(that.keywords));
	}

	@Override
	public int hashCode() {
		return this.keywords.hashCode();
	}

	/** Returns the keyword=value form with secrets masked as {@code ******}. */
	@Override
	public String toString() {
		return KeywordValueWriter.write(ConnectionStrings.masked(this.keywords));
	}

	/**
	 * A host and its port.
	 *
	 * @param name the host name, IP address, or (not usable by JDBC) Unix-domain socket
	 * directory; empty for libpq's default
	 * @param port the port
	 */
	public record Host(String name, int port) {

	}

}
