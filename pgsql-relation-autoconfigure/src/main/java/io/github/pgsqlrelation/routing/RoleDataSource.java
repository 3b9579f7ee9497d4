package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * One side of the routing as Spring's {@code LazyConnectionDataSourceProxy} sees it: the
 * target (master) or the read-only DataSource (standbys).
 */
final class RoleDataSource extends AbstractDataSource {

	private final String description;

	private final ConnectionSource source;

	RoleDataSource(String description, ConnectionSource source) {
		this.description = description;
		this.source = source;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return this.source.getConnection();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("Credentials come from the relation's connection strings; use getConnection()");
	}

	@Override
	public String toString() {
		return this.description;
	}

	@FunctionalInterface
	interface ConnectionSource {

		Connection getConnection() throws SQLException;

	}

}
