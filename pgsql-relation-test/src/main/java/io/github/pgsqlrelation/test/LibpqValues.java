package io.github.pgsqlrelation.test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import io.github.pgsqlrelation.test.secrets.KnownSecrets;

/**
 * Values in libpq connection strings and URLs.
 */
final class LibpqValues {

	private static final String PASSWORD_CHARACTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

	private static final SecureRandom RANDOM = new SecureRandom();

	private LibpqValues() {
	}

	/**
	 * Quotes a keyword=value value when it needs it (empty, or holding spaces, quotes or
	 * backslashes).
	 * @param value the value
	 * @return the value as it goes into a connection string
	 */
	static String quote(String value) {
		if (!value.isEmpty() && value.chars().noneMatch((c) -> Character.isWhitespace(c) || c == '\'' || c == '\\')) {
			return value;
		}
		return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	static String urlEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * A password of letters and digits, as PostgreSQL charms generate them, known to the
	 * tests' leak detection.
	 * @return a new password
	 */
	static String newPassword() {
		StringBuilder password = new StringBuilder();
		for (int i = 0; i < 24; i++) {
			password.append(PASSWORD_CHARACTERS.charAt(RANDOM.nextInt(PASSWORD_CHARACTERS.length())));
		}
		return KnownSecrets.register(password.toString());
	}

}
