package io.github.pgsqlrelation.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Runs administrative SQL on a node as the bootstrap superuser.
 *
 * @param password the superuser's password
 */
record AdminConnections(String password) {

	Connection open(PostgresNode node) throws SQLException {
		return node.connect("postgres", NodeSettings.SUPERUSER, this.password);
	}

	/**
	 * Runs a query and returns the first column of its first row.
	 * @param node the node
	 * @param sql the query, with {@code ?} parameters
	 * @param parameters the parameters
	 * @return the value, {@code null} for SQL NULL
	 * @throws SQLException on failure
	 */
	@Nullable String queryValue(PostgresNode node, String sql, Object... parameters) throws SQLException {
		try (Connection connection = open(node)) {
			return queryValue(connection, sql, parameters);
		}
	}

	static @Nullable String queryValue(Connection connection, String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					throw new SQLException("No row returned by: " + sql);
				}
				return result.getString(1);
			}
		}
	}

	/**
	 * Runs a utility command built by the server's {@code format()}, so that identifiers
	 * and literals (passwords included) are quoted by PostgreSQL itself.
	 * @param node the node
	 * @param template a {@code format()} template such as
	 * {@code CREATE ROLE %I PASSWORD %L}
	 * @param arguments the template's arguments
	 * @throws SQLException on failure
	 */
	void executeFormatted(PostgresNode node, String template, String... arguments) throws SQLException {
		try (Connection connection = open(node)) {
			StringBuilder call = new StringBuilder("SELECT format(?");
			Object[] parameters = new Object[arguments.length + 1];
			parameters[0] = template;
			for (int i = 0; i < arguments.length; i++) {
				call.append(", ?");
				parameters[i + 1] = arguments[i];
			}
			String command = queryValue(connection, call.append(")").toString(), parameters);
			try (var statement = connection.createStatement()) {
				statement.execute(command);
			}
		}
	}

}
