package io.github.pgsqlrelation.test;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One PostgreSQL server of a {@link TestCluster}, as the application sees it: the address
 * it connects to and the relation user's credentials.
 */
public interface ClusterNode {

	/**
	 * The host the application connects to.
	 * @return a host name or address, e.g. {@code 127.0.0.1} or {@code localhost}
	 */
	String host();

	/**
	 * The port the application connects to.
	 * @return the TCP port
	 */
	int port();

	/**
	 * The node's name, unique in its cluster and stable for its life
	 * ({@code postgresql-0}, {@code postgresql-1}, ...). It is also the server's
	 * {@code cluster_name} and the {@code application_name} a standby streams with.
	 * @return the name
	 */
	String name();

	/**
	 * The Juju unit name this node plays in relation state files ({@code postgresql/0},
	 * ...).
	 * @return the unit name
	 */
	String unitName();

	/**
	 * Whether the server runs (a paused server does).
	 * @return whether the server runs
	 */
	boolean isRunning();

	/**
	 * Whether the server is paused ({@link TestCluster#pause(ClusterNode)}).
	 * @return whether the server is frozen
	 */
	boolean isPaused();

	/**
	 * A libpq connection string for the relation user, keywords in alphabetical order as
	 * PostgreSQL charms publish them:
	 * {@code dbname=app host=127.0.0.1 password=... port=54321 user=relation-7}.
	 * @return the connection string
	 */
	String connectionString();

	/**
	 * A JDBC URL of this node's database, without credentials (see {@link #connect()}).
	 * @return the URL
	 */
	String jdbcUrl();

	/**
	 * Opens a connection to this node's database as the relation user.
	 * @return a new connection, for the caller to close
	 * @throws SQLException if the server cannot be reached
	 */
	Connection connect() throws SQLException;

	/**
	 * Opens a connection to this node's database as the bootstrap superuser
	 * ({@code postgres}), for what the relation user may not do, e.g. terminating its
	 * sessions.
	 * @return a new connection, for the caller to close
	 * @throws SQLException if the server cannot be reached
	 */
	Connection connectAsSuperuser() throws SQLException;

}
