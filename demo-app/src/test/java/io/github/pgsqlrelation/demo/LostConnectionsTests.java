package io.github.pgsqlrelation.demo;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;

import static org.assertj.core.api.Assertions.assertThat;

class LostConnectionsTests {

	@Test
	void aServerShutdownIsALostConnection() {
		SQLException shutdown = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
		assertThat(LostConnections.isLostConnection(new UncategorizedSQLException("insert", "INSERT", shutdown)))
			.isTrue();
	}

	@Test
	void aRefusedConnectionIsALostConnection() {
		SQLException refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
		assertThat(LostConnections.isLostConnection(new CannotGetJdbcConnectionException("no connection", refused)))
			.isTrue();
	}

	@Test
	void aConstraintViolationIsNotALostConnection() {
		SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");
		assertThat(LostConnections.isLostConnection(new DataIntegrityViolationException("insert", duplicate)))
			.isFalse();
	}

	@Test
	void aFailureWithoutSqlStateIsNotALostConnection() {
		assertThat(LostConnections.isLostConnection(new IllegalStateException("no SQL here"))).isFalse();
	}

}
