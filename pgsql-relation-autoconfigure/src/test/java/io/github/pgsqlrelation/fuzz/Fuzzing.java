package io.github.pgsqlrelation.fuzz;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.TestInfo;

/**
 * Runs a property over generated inputs from a seeded {@link RandomSource}, so that a
 * failure is reproducible. The seed is {@code pgsql.relation.fuzz.seed} when set, else
 * drawn at random for each property; the number of inputs is
 * {@code pgsql.relation.fuzz.inputs} (1,000 unless set). A failure names the property,
 * the seed and the index of the input, and shows the input with its password masked.
 */
public final class Fuzzing {

	/** System property: the number of generated inputs per property. */
	public static final String INPUTS = "pgsql.relation.fuzz.inputs";

	/** System property: the seed that reproduces a run. */
	public static final String SEED = "pgsql.relation.fuzz.seed";

	private static final int DEFAULT_INPUTS = 1000;

	private static final int SHOWN_LENGTH = 2000;

	private Fuzzing() {
	}

	/**
	 * Checks every generated input; the first failure ends the run.
	 * @param test the running test, whose method names the property
	 * @param generator makes one input from the random source
	 * @param check throws if the input breaks the property
	 */
	public static <T extends Input> void forEach(TestInfo test, Function<RandomSource, T> generator, Check<T> check) {
		String property = name(test);
		int inputs = Integer.getInteger(INPUTS, DEFAULT_INPUTS);
		String seedProperty = System.getProperty(SEED);
		long seed = (seedProperty != null && !seedProperty.isBlank()) ? Long.parseLong(seedProperty.strip())
				: ThreadLocalRandom.current().nextLong();
		RandomSource random = new RandomSource(seed);
		for (int index = 0; index < inputs; index++) {
			T input = null;
			try {
				input = generator.apply(random);
				check.accept(input);
			}
			catch (Exception | AssertionError | StackOverflowError ex) {
				throw new AssertionError(String.format(
						"%s failed at input %d of %d with seed %d (reproduce with -D%s=%d -D%s=%d)%ninput: %s%n%s",
						property, index, inputs, seed, SEED, seed, INPUTS, inputs, show(input), ex), ex);
			}
		}
		System.out.printf("%s: %d inputs, seed %d%n", property, inputs, seed);
	}

	/** Checks one given input, showing it masked if the check fails. */
	public static <T extends Input> void example(String description, T input, Check<T> check) {
		try {
			check.accept(input);
		}
		catch (Exception | AssertionError | StackOverflowError ex) {
			throw new AssertionError(String.format("%s failed%ninput: %s%n%s", description, show(input), ex), ex);
		}
	}

	private static String name(TestInfo test) {
		return test.getTestClass().map(Class::getSimpleName).orElse("") + "."
				+ test.getTestMethod().map((method) -> method.getName()).orElse(test.getDisplayName());
	}

	// Java string literal notation, so that control characters and lone surrogates show
	private static String show(@Nullable Input input) {
		if (input == null) {
			return "(failed while generating it)";
		}
		String masked = input.text().replace(input.password(), "******");
		StringBuilder shown = new StringBuilder("\"");
		for (int i = 0; i < masked.length() && i < SHOWN_LENGTH; i++) {
			char c = masked.charAt(i);
			if (c == '"' || c == '\\') {
				shown.append('\\').append(c);
			}
			else if (c >= 0x20 && c < 0x7f) {
				shown.append(c);
			}
			else {
				shown.append(String.format("\\u%04x", (int) c));
			}
		}
		shown.append('"');
		if (masked.length() > SHOWN_LENGTH) {
			shown.append(" (first ").append(SHOWN_LENGTH).append(" of ").append(masked.length()).append(" characters)");
		}
		return shown.toString();
	}

	/** A generated input: its text and the password token it carries. */
	public interface Input {

		String text();

		String password();

	}

	/** A property's checks of one input. */
	@FunctionalInterface
	public interface Check<T> {

		void accept(T input) throws Exception;

	}

}
