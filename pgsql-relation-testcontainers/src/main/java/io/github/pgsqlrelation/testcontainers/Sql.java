package io.github.pgsqlrelation.testcontainers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.rnorth.ducttape.unreliables.Unreliables;

/**
 * Statements the cluster runs on its nodes as the superuser.
 */
final class Sql {

	static final Duration TIMEOUT = Duration.ofSeconds(60);

	private Sql() {
	}

	static @Nullable String queryValue(ContainerNode node, String sql, Object... parameters) {
		try (Connection connection = node.connectForAdministration();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? result.getString(1) : null;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not query " + node + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Runs a statement built by {@code format()} on the server, so that identifiers
	 * ({@code %I}) and literals ({@code %L}) are quoted by PostgreSQL itself.
	 */
	static void executeFormatted(ContainerNode node, String template, String... arguments) {
		StringBuilder call = new StringBuilder("SELECT format(?");
		call.append(", ?".repeat(arguments.length)).append(')');
		String statement = queryValue(node, call.toString(), prepend(template, arguments));
		try (Connection connection = node.connectForAdministration();
				Statement executed = connection.createStatement()) {
			executed.execute(statement);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + template + "' on " + node + ": " + ex.getMessage(), ex);
		}
	}

	static void awaitTrue(String description, ContainerNode node, String sql, Object... parameters) {
		await(description, () -> "t".equals(queryValue(node, sql, parameters)));
	}

	/** Polls a condition every 50 ms, its failures counting as "not yet". */
	static void await(String description, Callable<Boolean> condition) {
		try {
			Unreliables.retryUntilTrue((int) TIMEOUT.toSeconds(), TimeUnit.SECONDS, () -> {
				if (condition.call()) {
					return true;
				}
				Thread.sleep(50);
				return false;
			});
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Timed out after " + TIMEOUT + " waiting until " + description, ex);
		}
	}

	private static Object[] prepend(String first, String[] rest) {
		Object[] all = new Object[rest.length + 1];
		all[0] = first;
		System.arraycopy(rest, 0, all, 1, rest.length);
		return all;
	}

}
