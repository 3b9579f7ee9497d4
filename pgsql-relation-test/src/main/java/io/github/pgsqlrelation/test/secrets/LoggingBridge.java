package io.github.pgsqlrelation.test.secrets;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends {@code java.util.logging} (which pgjdbc logs to) into SLF4J and so to
 * {@link SecretScanningAppender}, as Spring Boot does when an application starts; tests
 * that start no application need it too.
 */
final class LoggingBridge {

	private LoggingBridge() {
	}

	static synchronized void install() {
		try {
			if (!SLF4JBridgeHandler.isInstalled()) {
				SLF4JBridgeHandler.removeHandlersForRootLogger();
				SLF4JBridgeHandler.install();
			}
		}
		catch (NoClassDefFoundError ex) {
			// jul-to-slf4j is not on the class path: java.util.logging goes unscanned
		}
	}

}
