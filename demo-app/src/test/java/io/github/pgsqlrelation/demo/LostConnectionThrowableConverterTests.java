package io.github.pgsqlrelation.demo;

import java.sql.SQLException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LostConnectionThrowableConverter}.
 */
class LostConnectionThrowableConverterTests {

	private final LoggerContext context = new LoggerContext();

	private final LostConnectionThrowableConverter converter = new LostConnectionThrowableConverter();

	@BeforeEach
	void start() {
		this.converter.setContext(this.context);
		this.converter.start();
	}

	@Test
	void lostConnectionIsOneLine() {
		SQLException lost = new SQLException("HikariPool-1 - Connection is not available",
				new PSQLException("An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE));
		String text = this.converter.convert(event(lost));
		assertThat(text.strip().lines()).hasSize(1);
		assertThat(text).contains("lost connection: java.sql.SQLException: HikariPool-1 - Connection is not available");
	}

	@Test
	void unexpectedFailureKeepsItsStackTrace() {
		String text = this.converter.convert(event(new IllegalStateException("unexpected")));
		assertThat(text).contains("java.lang.IllegalStateException: unexpected")
			.contains("\tat io.github.pgsqlrelation.demo.LostConnectionThrowableConverterTests");
		assertThat(text.lines().count()).isGreaterThan(3);
	}

	@Test
	void sqlFailureThatIsNotAboutTheConnectionKeepsItsStackTrace() {
		String text = this.converter
			.convert(event(new PSQLException("relation \"missing\" does not exist", PSQLState.UNDEFINED_TABLE)));
		assertThat(text.lines().count()).isGreaterThan(3);
	}

	private LoggingEvent event(Throwable failure) {
		Logger logger = this.context.getLogger("com.zaxxer.hikari.pool.ProxyConnection");
		return new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "Connection marked as broken", failure,
				null);
	}

}
