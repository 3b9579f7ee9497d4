package io.github.pgsqlrelation.demo;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.CoreConstants;

import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * Prints a lost connection (a server the demo stopped or killed, see
 * {@link LostConnections}) as one line, and every other exception with its stack trace.
 * HikariCP logs each connection it finds broken with the driver's exception, about 55
 * lines, although losing connections to a killed server is what the demo is about.
 * Unexpected failures keep Spring Boot's usual format ({@code %wEx}). Logback has no
 * converter that shortens traces by kind of failure, hence this one.
 */
public class LostConnectionThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

	@Override
	protected String throwableProxyToString(IThrowableProxy proxy) {
		if (proxy instanceof ThrowableProxy throwable && LostConnections.isLostConnection(throwable.getThrowable())) {
			return "    (lost connection: " + proxy.getClassName() + ": " + firstLine(proxy.getMessage()) + ")"
					+ CoreConstants.LINE_SEPARATOR;
		}
		return super.throwableProxyToString(proxy);
	}

	private static String firstLine(String message) {
		return (message != null) ? message.lines().findFirst().orElse("") : "";
	}

}
