package io.github.pgsqlrelation.test.secrets;

import java.util.ArrayList;
import java.util.List;

/**
 * The leaks seen since the extension last looked: tests run one after another, so a leak
 * belongs to the test that was running when it was seen, whichever thread wrote it.
 */
public final class SecretLeaks {

	private static final int KEPT = 20;

	private static final List<SecretLeak> LEAKS = new ArrayList<>();

	private SecretLeaks() {
	}

	/**
	 * Records the text if it holds a known secret.
	 * @param source where the text was written
	 * @param text the text
	 * @return whether it held one
	 */
	public static boolean check(String source, String text) {
		if (!KnownSecrets.isIn(text)) {
			return false;
		}
		synchronized (LEAKS) {
			if (LEAKS.size() < KEPT) {
				LEAKS.add(new SecretLeak(source, KnownSecrets.mask(text)));
			}
		}
		return true;
	}

	/**
	 * The leaks seen since the current test started (at most twenty).
	 * @return the leaks, the oldest first
	 */
	public static List<SecretLeak> seen() {
		synchronized (LEAKS) {
			return List.copyOf(LEAKS);
		}
	}

	static List<SecretLeak> drain() {
		synchronized (LEAKS) {
			List<SecretLeak> drained = new ArrayList<>(LEAKS);
			LEAKS.clear();
			return drained;
		}
	}

}
