package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import io.github.pgsqlrelation.connection.JdbcConnection;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The physical connections of one pool: pgjdbc connecting with a URL and properties that may
 * change while the pool lives (the master's list of failover hosts follows the standbys). Holds
 * the password, so its {@link #toString()} shows the URL only.
 */
final class BackendDataSource extends AbstractDataSource {

	private static final Driver DRIVER = new Driver();

	private volatile Target target;

	private volatile int loginTimeoutSeconds;

	BackendDataSource(JdbcConnection jdbc) {
		this.target = new Target(jdbc.url(), jdbc.toProperties());
	}

	/** Points new connections elsewhere; open connections are not touched. */
	void update(JdbcConnection jdbc) {
		this.target = new Target(jdbc.url(), jdbc.toProperties());
	}

	String url() {
		return this.target.url();
	}

	@Override
	public Connection getConnection() throws SQLException {
		Target target = this.target;
		Properties properties = target.properties();
		int loginTimeout = this.loginTimeoutSeconds;
		if (loginTimeout > 0 && !properties.containsKey(PGProperty.CONNECT_TIMEOUT.getName())) {
			// HikariCP sets the login timeout from its connection timeout: honour it as pgjdbc's
			// socket connect timeout, so an unreachable host gives up in time.
			properties = new Properties(properties);
			properties.setProperty(PGProperty.CONNECT_TIMEOUT.getName(), String.valueOf(loginTimeout));
		}
		Connection connection = DRIVER.connect(target.url(), properties);
		if (connection == null) {
			throw new SQLException("The PostgreSQL JDBC driver does not accept the URL " + target.url());
		}
		return connection;
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("Credentials come from the relation's connection string, not from the pool");
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeoutSeconds;
	}

	@Override
	public void setLoginTimeout(int seconds) {
		this.loginTimeoutSeconds = seconds;
	}

	@Override
	public String toString() {
		return "BackendDataSource[" + this.target.url() + "]";
	}

	private record Target(String url, Properties properties) {

		@Override
		public String toString() {
			return this.url;
		}

	}

}
