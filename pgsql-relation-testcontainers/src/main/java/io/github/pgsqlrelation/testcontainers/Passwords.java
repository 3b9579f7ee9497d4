package io.github.pgsqlrelation.testcontainers;

import java.security.SecureRandom;

import io.github.pgsqlrelation.test.secrets.KnownSecrets;

/**
 * Generated passwords, known to the tests' leak detection.
 */
final class Passwords {

	private static final String CHARACTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

	private static final SecureRandom RANDOM = new SecureRandom();

	private Passwords() {
	}

	/** Letters and digits, as PostgreSQL charms generate them. */
	static String generate() {
		StringBuilder password = new StringBuilder();
		for (int i = 0; i < 24; i++) {
			password.append(CHARACTERS.charAt(RANDOM.nextInt(CHARACTERS.length())));
		}
		return KnownSecrets.register(password.toString());
	}

}
