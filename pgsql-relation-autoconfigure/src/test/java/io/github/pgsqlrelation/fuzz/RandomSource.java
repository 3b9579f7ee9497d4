package io.github.pgsqlrelation.fuzz;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A seeded random source for generated inputs: the same seed gives the same inputs, so
 * that a failure can be reproduced. Bounds are inclusive.
 */
public final class RandomSource {

	private static final String DIGITS = "0123456789";

	private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	/** Letters and digits, as in host names and password tokens. */
	public static final String ALPHANUMERIC = LETTERS + DIGITS;

	private final Random random;

	RandomSource(long seed) {
		this.random = new Random(seed);
	}

	public int between(int min, int max) {
		return min + this.random.nextInt(max - min + 1);
	}

	/**
	 * Any int from 0 to {@link Integer#MAX_VALUE}, for a position taken modulo a length.
	 */
	public int nonNegative() {
		return this.random.nextInt() & Integer.MAX_VALUE;
	}

	public boolean bool() {
		return this.random.nextBoolean();
	}

	public byte anyByte() {
		return (byte) this.random.nextInt(256);
	}

	/** Any integer from {@code -bound} to {@code bound}. */
	public BigInteger bigInteger(BigInteger bound) {
		BigInteger magnitude = new BigInteger(bound.bitLength() + 8, this.random).mod(bound.add(BigInteger.ONE));
		return bool() ? magnitude.negate() : magnitude;
	}

	public char charOf(String characters) {
		return characters.charAt(this.random.nextInt(characters.length()));
	}

	/** Characters taken one by one from {@code characters}: surrogates may come alone. */
	public String string(String characters, int minLength, int maxLength) {
		StringBuilder result = new StringBuilder();
		for (int length = between(minLength, maxLength); result.length() < length;) {
			result.append(charOf(characters));
		}
		return result.toString();
	}

	/** Any UTF-16 code units: control characters, NUL, unpaired surrogates. */
	public String anyString(int maxLength) {
		StringBuilder result = new StringBuilder();
		for (int length = between(0, maxLength); result.length() < length;) {
			result.append((char) this.random.nextInt(Character.MAX_VALUE + 1));
		}
		return result.toString();
	}

	@SafeVarargs
	public final <T> T of(T... values) {
		return values[this.random.nextInt(values.length)];
	}

	public <T> T of(List<T> values) {
		return values.get(this.random.nextInt(values.size()));
	}

	/** The value of one of the generators, each as likely as the others. */
	@SafeVarargs
	public final <T> T oneOf(Supplier<? extends T>... generators) {
		return of(generators).get();
	}

	public <T> List<T> list(int minSize, int maxSize, Supplier<? extends T> generator) {
		int size = between(minSize, maxSize);
		List<T> result = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			result.add(generator.get());
		}
		return result;
	}

	/** Empty or not, as likely. */
	public <T> Optional<T> optional(Supplier<? extends T> generator) {
		return bool() ? Optional.of(generator.get()) : Optional.empty();
	}

}
