package io.github.pgsqlrelation.connection;

import java.util.Map;
import java.util.Properties;

/**
 * What the PostgreSQL JDBC driver needs to connect: a URL that holds no secret and the
 * driver properties (user, password, ssl settings, ...).
 *
 * @param url the {@code jdbc:postgresql://} URL, without user or password
 * @param properties the driver properties, by pgjdbc property name
 */
public record JdbcConnection(String url, Map<String, String> properties) {

	public JdbcConnection {
		properties = Map.copyOf(properties);
	}

	/**
	 * Returns the driver properties as {@link Properties}, as {@code DriverManager} takes
	 * them.
	 */
	public Properties toProperties() {
		Properties result = new Properties();
		result.putAll(this.properties);
		return result;
	}

	@Override
	public String toString() {
		return "JdbcConnection[url=" + this.url + ", properties=" + ConnectionStrings.masked(this.properties) + "]";
	}

}
