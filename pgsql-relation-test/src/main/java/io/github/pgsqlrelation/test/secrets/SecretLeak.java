package io.github.pgsqlrelation.test.secrets;

/**
 * A known secret seen where it must not be.
 *
 * @param source where it was seen: a logger and level, a stream, an exception
 * @param maskedText what was written there, the secret masked
 */
public record SecretLeak(String source, String maskedText) {

	@Override
	public String toString() {
		return this.source + ": " + this.maskedText;
	}

}
