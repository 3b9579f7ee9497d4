package io.github.pgsqlrelation.test.secrets;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Fails a test during which a known secret ({@link KnownSecrets}) appeared in a log line
 * (through {@link SecretScanningAppender}), on {@code System.out} or {@code System.err},
 * or in the message of an exception the test threw. Failure messages name the test and
 * where the secret was seen, and mask the secret.
 * <p>
 * Registered for every test class through JUnit's extension auto-detection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true} and a
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} entry).
 */
public final class NoSecretLeaksExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
		AfterAllCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

	@Override
	public void beforeAll(ExtensionContext context) {
		ConsoleScanning.install();
		LoggingBridge.install();
		failOnLeaks(context, "before the class started (while an earlier class closed its resources)");
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		// A Spring application that closed took the bridge with it
		LoggingBridge.install();
		failOnLeaks(context, "while the class was set up");
	}

	@Override
	public void afterEach(ExtensionContext context) {
		failOnLeaks(context, "");
	}

	@Override
	public void afterAll(ExtensionContext context) {
		failOnLeaks(context, "while the class was torn down");
	}

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		throw masked(context, throwable);
	}

	@Override
	public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw masked(context, throwable);
	}

	@Override
	public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw masked(context, throwable);
	}

	@Override
	public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw masked(context, throwable);
	}

	@Override
	public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		throw masked(context, throwable);
	}

	private static void failOnLeaks(ExtensionContext context, String when) {
		List<SecretLeak> leaks = SecretLeaks.drain();
		if (leaks.isEmpty() || leaksOnPurpose(context)) {
			return;
		}
		String where = leaks.stream().map((leak) -> "\n\t" + leak).collect(Collectors.joining());
		throw new AssertionError("A known secret (masked as ******) leaked " + testName(context)
				+ (when.isEmpty() ? "" : " " + when) + ":" + where);
	}

	/**
	 * The exception itself when no message in its chain holds a known secret, otherwise
	 * an {@link AssertionError} saying so, with the same chain and stack traces but every
	 * message masked, since the build prints the exception a test throws.
	 */
	private static Throwable masked(ExtensionContext context, Throwable throwable) {
		if (!holdsSecret(throwable, 0) || leaksOnPurpose(context)) {
			return throwable;
		}
		AssertionError error = new AssertionError(
				"The exception thrown " + testName(context) + " holds a known secret in its message (masked as ******)",
				MaskedThrowable.of(throwable));
		return error;
	}

	private static boolean holdsSecret(@Nullable Throwable throwable, int depth) {
		if (throwable == null || depth > 20) {
			return false;
		}
		if (KnownSecrets.isIn(throwable.getMessage()) || KnownSecrets.isIn(throwable.toString())) {
			return true;
		}
		for (Throwable suppressed : throwable.getSuppressed()) {
			if (holdsSecret(suppressed, depth + 1)) {
				return true;
			}
		}
		return holdsSecret(throwable.getCause(), depth + 1);
	}

	private static boolean leaksOnPurpose(ExtensionContext context) {
		return context.getTestMethod()
			.map((method) -> AnnotationSupport.isAnnotated(method, LeaksSecretsOnPurpose.class))
			.orElse(false)
				|| context.getTestClass()
					.map((type) -> AnnotationSupport.isAnnotated(type, LeaksSecretsOnPurpose.class))
					.orElse(false);
	}

	private static String testName(ExtensionContext context) {
		String className = context.getTestClass().map(Class::getName).orElse("?");
		return context.getTestMethod()
			.map((method) -> "in test " + className + "." + method.getName() + " [" + context.getDisplayName() + "]")
			.orElse("in test class " + className);
	}

}
