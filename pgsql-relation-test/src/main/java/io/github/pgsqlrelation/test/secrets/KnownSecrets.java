package io.github.pgsqlrelation.test.secrets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.jspecify.annotations.Nullable;

/**
 * The passwords a test run knows: every password this module generates, every password a
 * test hands to a cluster, and the fixture passwords listed, one a line, in any
 * {@value #FIXTURES_RESOURCE} resource on the class path. Nothing printed, logged or
 * thrown may contain one.
 */
public final class KnownSecrets {

	/**
	 * The class path resource listing fixture passwords, one a line ({@code #} starts a
	 * comment).
	 */
	public static final String FIXTURES_RESOURCE = "META-INF/pgsql-relation/known-secrets.txt";

	/**
	 * Shorter values are not taken: they would be found in ordinary words and numbers.
	 */
	static final int MINIMUM_LENGTH = 6;

	private static final String MASK = "******";

	private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

	static {
		loadFixtures();
	}

	private KnownSecrets() {
	}

	/**
	 * Adds a secret, and the forms it takes quoted in a connection string,
	 * percent-encoded in a URI and escaped in JSON. Values shorter than six characters
	 * are ignored.
	 * @param secret the secret
	 * @return the secret, so that it can be registered where it is made
	 */
	public static String register(String secret) {
		if (secret.length() >= MINIMUM_LENGTH) {
			SECRETS.add(secret);
			// As it would be written back into a connection string, a URI or JSON
			SECRETS.add(secret.replace("\\", "\\\\").replace("'", "\\'"));
			SECRETS.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
			SECRETS.add(secret.replace("\\", "\\\\").replace("\"", "\\\""));
		}
		return secret;
	}

	/**
	 * Whether the text holds a known secret.
	 * @param text the text, may be {@code null}
	 * @return whether it holds one
	 */
	public static boolean isIn(@Nullable CharSequence text) {
		if (text == null || text.length() < MINIMUM_LENGTH) {
			return false;
		}
		String string = text.toString();
		for (String secret : SECRETS) {
			if (string.contains(secret)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The text with every known secret replaced by {@code ******}, safe to print.
	 * @param text the text
	 * @return the masked text
	 */
	public static String mask(String text) {
		String masked = text;
		for (String secret : SECRETS) {
			masked = masked.replace(secret, MASK);
		}
		return masked;
	}

	/**
	 * The known secrets.
	 * @return a copy of them
	 */
	public static List<String> all() {
		return List.copyOf(SECRETS);
	}

	private static void loadFixtures() {
		try {
			ClassLoader classLoader = KnownSecrets.class.getClassLoader();
			Enumeration<URL> resources = classLoader.getResources(FIXTURES_RESOURCE);
			while (resources.hasMoreElements()) {
				load(resources.nextElement());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + FIXTURES_RESOURCE, ex);
		}
	}

	private static void load(URL resource) throws IOException {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(resource.openStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (!line.isBlank() && !line.startsWith("#")) {
					register(line);
				}
			}
		}
	}

}
