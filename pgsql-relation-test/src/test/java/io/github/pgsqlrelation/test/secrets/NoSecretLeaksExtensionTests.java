package io.github.pgsqlrelation.test.secrets;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs small test classes that leak a known secret, through the JUnit Platform as the
 * build does (the extension is auto-detected), and checks how each one fails.
 */
class NoSecretLeaksExtensionTests {

	static final String SECRET = KnownSecrets.register("Lk4mWp9xRvTq");

	@Test
	void aSecretLoggedAtDebugFailsTheTestNamingTheLogger() {
		String failure = failureOf(LogsThroughSlf4j.class);
		assertThat(failure).contains("LogsThroughSlf4j.logs")
			.contains("logger io.github.pgsqlrelation.Example at DEBUG")
			.contains("password=******")
			.doesNotContain(SECRET);
	}

	@Test
	void aSecretInAnExceptionAttachedToALogLineFailsTheTest() {
		assertThat(failureOf(LogsAnException.class))
			.contains("logger com.zaxxer.hikari.pool.HikariPool at DEBUG, exception java.lang.IllegalStateException")
			.doesNotContain(SECRET);
	}

	@Test
	void aSecretLoggedThroughJavaUtilLoggingAsPgjdbcDoesFailsTheTest() {
		assertThat(failureOf(LogsThroughJavaUtilLogging.class)).contains("logger org.postgresql.Driver at DEBUG")
			.doesNotContain(SECRET);
	}

	@Test
	void aSecretLoggedInsideASpringBootApplicationFailsTheTest() {
		assertThat(failureOf(LogsInsideABootApplication.class))
			.contains("logger io.github.pgsqlrelation.routing.Example at TRACE")
			.contains("logger com.zaxxer.hikari.HikariConfig at DEBUG")
			.doesNotContain(SECRET);
	}

	@Test
	void aSecretOnTheConsoleFailsTheTest() {
		assertThat(failureOf(PrintsToTheConsole.class)).contains("System.out: url=******")
			.contains("System.err: ******")
			.doesNotContain(SECRET);
	}

	@Test
	void aSecretInTheMessageOfAThrownExceptionFailsTheTestWithTheChainMasked() {
		String failure = failureOf(ThrowsWithASecret.class);
		assertThat(failure).contains("The exception thrown in test " + ThrowsWithASecret.class.getName() + ".throwsIt")
			.contains("java.lang.IllegalStateException: Could not connect to password=******")
			.contains("Caused by: java.io.IOException: ****** rejected")
			.contains("at " + ThrowsWithASecret.class.getName() + ".throwsIt")
			.doesNotContain(SECRET);
	}

	@Test
	void anExceptionWithoutSecretsIsLeftAsItIs() {
		assertThat(failureOf(ThrowsWithoutSecrets.class)).startsWith("java.lang.IllegalStateException: boom");
	}

	@Test
	void aTestThatLeaksOnPurposePassesAndSeesItsLeaks() {
		assertThat(failureOf(LeaksOnPurpose.class)).isEmpty();
		assertThat(failureOf(LeaksNothing.class)).isEmpty();
	}

	@Test
	void aSecretIsKnownQuotedEncodedAndEscapedToo() {
		KnownSecrets.register("Hv6 'q' \\ \"z\"");
		assertThat(KnownSecrets.isIn("password='Hv6 \\'q\\' \\\\ \"z\"'")).isTrue();
		assertThat(KnownSecrets.isIn("postgresql://u:Hv6%20%27q%27%20%5C%20%22z%22@h")).isTrue();
		assertThat(KnownSecrets.isIn("{\"password\": \"Hv6 'q' \\\\ \\\"z\\\"\"}")).isTrue();
	}

	@Test
	void shortValuesAreNotTakenAsSecrets() {
		KnownSecrets.register("abc");
		assertThat(KnownSecrets.isIn("abcdefgh")).isFalse();
		assertThat(KnownSecrets.mask("x " + SECRET + " y")).isEqualTo("x ****** y");
	}

	/**
	 * The failures of the class's tests, each with its stack trace, or empty when all
	 * pass.
	 */
	private static String failureOf(Class<?> testClass) {
		List<String> failures = new ArrayList<>();
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(testClass))
			.build();
		LauncherFactory.create().execute(request, new TestExecutionListener() {

			@Override
			public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
				result.getThrowable().ifPresent((throwable) -> {
					StringWriter trace = new StringWriter();
					throwable.printStackTrace(new PrintWriter(trace));
					failures.add(trace.toString());
				});
			}

		});
		return String.join("\n", failures);
	}

	static class LogsThroughSlf4j {

		@Test
		void logs() {
			LoggerFactory.getLogger("io.github.pgsqlrelation.Example").debug("Opening host=a password={}", SECRET);
		}

	}

	static class LogsAnException {

		@Test
		void logs() {
			LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool")
				.debug("Failed", new RuntimeException("outer", new IllegalStateException("bad " + SECRET)));
		}

	}

	static class LogsThroughJavaUtilLogging {

		@Test
		void logs() {
			java.util.logging.Logger.getLogger("org.postgresql.Driver")
				.log(Level.FINE, "Connecting with URL: jdbc:postgresql://h/d?password={0}", SECRET);
		}

	}

	static class LogsInsideABootApplication {

		@Test
		void logs() {
			SpringApplication application = new SpringApplication(EmptyConfiguration.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			try (ConfigurableApplicationContext context = application.run()) {
				LoggerFactory.getLogger("io.github.pgsqlrelation.routing.Example").trace("pool {}", SECRET);
				LoggerFactory.getLogger("com.zaxxer.hikari.HikariConfig").debug("password......{}", SECRET);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

	static class PrintsToTheConsole {

		@Test
		void prints() {
			System.out.println("url=" + SECRET);
			System.err.print(SECRET + "\n");
		}

	}

	static class ThrowsWithASecret {

		@Test
		void throwsIt() {
			throw new IllegalStateException("Could not connect to password=" + SECRET,
					new java.io.IOException(SECRET + " rejected"));
		}

	}

	static class ThrowsWithoutSecrets {

		@Test
		void throwsIt() {
			throw new IllegalStateException("boom");
		}

	}

	static class LeaksOnPurpose {

		@Test
		@LeaksSecretsOnPurpose("checks that the opt-out lets a test see its own leak")
		void leaks() {
			LoggerFactory.getLogger("io.github.pgsqlrelation.Example").info("password={}", SECRET);
			// Seen twice: by the logger and on the console the log line went to
			assertThat(SecretLeaks.seen()).isNotEmpty()
				.allSatisfy((leak) -> assertThat(leak.maskedText()).endsWith("password=******"));
		}

	}

	static class LeaksNothing {

		@Test
		void logs() {
			LoggerFactory.getLogger("io.github.pgsqlrelation.Example").info("password=******");
		}

	}

}
