package io.github.pgsqlrelation.test.secrets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.jspecify.annotations.Nullable;

/**
 * A Logback appender that writes nothing: it records every event whose message, or the
 * message of any exception attached to it, holds a known secret. Declared in
 * {@code logback-test.xml}, which Spring Boot loads again whenever an application starts.
 */
public final class SecretScanningAppender extends AppenderBase<ILoggingEvent> {

	@Override
	protected void append(ILoggingEvent event) {
		String source = "logger " + event.getLoggerName() + " at " + event.getLevel();
		if (!SecretLeaks.check(source, event.getFormattedMessage())) {
			checkThrowable(source, event.getThrowableProxy(), 0);
		}
	}

	private static void checkThrowable(String source, @Nullable IThrowableProxy throwable, int depth) {
		if (throwable == null || depth > 20) {
			return;
		}
		if (SecretLeaks.check(source + ", exception " + throwable.getClassName(),
				String.valueOf(throwable.getMessage()))) {
			return;
		}
		for (IThrowableProxy suppressed : throwable.getSuppressed()) {
			checkThrowable(source, suppressed, depth + 1);
		}
		checkThrowable(source, throwable.getCause(), depth + 1);
	}

}
