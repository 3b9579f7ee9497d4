package io.github.pgsqlrelation.connection;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A libpq connection string, as published in the {@code master} and {@code standbys} fields of
 * the {@code pgsql} relation. Immutable; equal by content; {@link #toString()} masks the password.
 */
public final class ConnectionString {

	// STUB: to be implemented (parser, forms, JDBC mapping).

	private final Map<String, String> keywords;

	private ConnectionString(Map<String, String> keywords) {
		this.keywords = Map.copyOf(keywords);
	}

	/** Parses either libpq form: keyword=value pairs or a postgresql:// URI. */
	public static ConnectionString parse(String text) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	/** Builds a connection string from keywords (libpq keyword names). */
	public static ConnectionString of(Map<String, String> keywords) {
		return new ConnectionString(keywords);
	}

	/** Returns the value of a libpq keyword, or {@code null} when absent. */
	public @Nullable String get(String keyword) {
		return this.keywords.get(keyword);
	}

	/** Returns all keywords (unmodifiable). */
	public Map<String, String> keywords() {
		return this.keywords;
	}

	/** Returns a copy with some keywords replaced; a {@code null} value removes the keyword. */
	public ConnectionString with(Map<String, @Nullable String> replacements) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	/** Returns the keyword=value form, password included, quoted where libpq needs it. */
	public String toKeywordValueString() {
		throw new UnsupportedOperationException("not yet implemented");
	}

	/** Returns the postgresql:// URI form, password included. */
	public String toUri() {
		throw new UnsupportedOperationException("not yet implemented");
	}

	/** Returns what the PostgreSQL JDBC driver needs: a URL without secrets and driver properties. */
	public JdbcConnection toJdbc() {
		throw new UnsupportedOperationException("not yet implemented");
	}

}
