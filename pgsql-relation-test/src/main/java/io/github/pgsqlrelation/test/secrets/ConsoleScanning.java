package io.github.pgsqlrelation.test.secrets;

import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Wraps {@code System.out} and {@code System.err} once per JVM so that every line written
 * to them is checked.
 */
final class ConsoleScanning {

	private static boolean installed;

	private ConsoleScanning() {
	}

	static synchronized void install() {
		if (installed) {
			return;
		}
		System.setOut(wrap(System.out, "System.out"));
		System.setErr(wrap(System.err, "System.err"));
		installed = true;
	}

	private static PrintStream wrap(PrintStream stream, String name) {
		Charset charset = Charset.defaultCharset();
		return new PrintStream(new ScanningOutputStream(stream, name, charset), true, charset);
	}

}
