package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * One PostgreSQL server of a {@link PostgresCluster}, listening on {@code 127.0.0.1}.
 */
public final class PostgresNode implements ClusterNode {

	private static final String HOST = "127.0.0.1";

	/** The {@code application_name} of the connections this module opens itself. */
	static final String APPLICATION_NAME = "pgsql-relation-test";

	private final PostgresCluster cluster;

	private final String name;

	private final int index;

	private final int port;

	private final Path directory;

	PostgresNode(PostgresCluster cluster, int index, int port, Path directory) {
		this.cluster = cluster;
		this.index = index;
		this.name = "postgresql-" + index;
		this.port = port;
		this.directory = directory;
	}

	/**
	 * The address the server listens on.
	 * @return always {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	public int port() {
		return this.port;
	}

	/**
	 * The node's name, unique in its cluster and stable for its life
	 * ({@code postgresql-0}, {@code postgresql-1}, ...). It is also the server's
	 * {@code cluster_name} and the {@code application_name} a standby streams with.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The Juju unit name this node plays in relation state files ({@code postgresql/0},
	 * ...).
	 * @return the unit name
	 */
	public String unitName() {
		return "postgresql/" + this.index;
	}

	/**
	 * Whether the postmaster runs.
	 * @return whether the server process is alive
	 */
	public boolean isRunning() {
		OptionalLong pid = pid();
		return pid.isPresent() && ProcessKiller.isAlive(pid.getAsLong());
	}

	/**
	 * Whether the server is paused ({@link PostgresCluster#pause(ClusterNode)}).
	 * @return whether the postmaster is stopped by SIGSTOP
	 */
	public boolean isPaused() {
		OptionalLong pid = pid();
		return pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessKiller::isStopped).orElse(false);
	}

	/**
	 * The postmaster's process id, from {@code postmaster.pid}.
	 * @return the process id, or empty when the server is stopped
	 */
	public OptionalLong pid() {
		try {
			String content = Files.readString(dataDirectory().resolve("postmaster.pid"), StandardCharsets.UTF_8);
			String firstLine = content.lines().findFirst().orElse("").trim();
			return firstLine.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(firstLine));
		}
		catch (NoSuchFileException ex) {
			return OptionalLong.empty();
		}
		catch (IOException | NumberFormatException ex) {
			return OptionalLong.empty();
		}
	}

	/**
	 * A libpq connection string for the relation user, keywords in alphabetical order as
	 * PostgreSQL charms publish them:
	 * {@code dbname=app host=127.0.0.1 password=... port=54321 user=relation-7}.
	 * @return the connection string
	 */
	public String connectionString() {
		return "dbname=" + LibpqValues.quote(this.cluster.database()) + " host=" + HOST + " password="
				+ LibpqValues.quote(this.cluster.password()) + " port=" + this.port + " user="
				+ LibpqValues.quote(this.cluster.user());
	}

	/**
	 * A JDBC URL of this node's database, without credentials (see {@link #connect()}).
	 * @return the URL
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://" + HOST + ":" + this.port + "/" + LibpqValues.urlEncode(this.cluster.database());
	}

	/**
	 * Opens a connection to this node's database as the relation user.
	 * @return a new connection, for the caller to close
	 * @throws SQLException if the server cannot be reached
	 */
	public Connection connect() throws SQLException {
		return connect(this.cluster.database(), this.cluster.user(), this.cluster.password());
	}

	/**
	 * Opens a connection to this node's database as the bootstrap superuser
	 * ({@code postgres}), for what the relation user may not do, e.g. terminating its
	 * sessions.
	 * @return a new connection, for the caller to close
	 * @throws SQLException if the server cannot be reached
	 */
	public Connection connectAsSuperuser() throws SQLException {
		return connect(this.cluster.database(), NodeSettings.SUPERUSER, this.cluster.superuserPassword());
	}

	Connection connect(String database, String user, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", "5");
		// A paused server accepts the TCP connection but never answers
		properties.setProperty("loginTimeout", "10");
		properties.setProperty("ApplicationName", APPLICATION_NAME);
		String url = "jdbc:postgresql://" + HOST + ":" + this.port + "/" + LibpqValues.urlEncode(database);
		return DriverManager.getConnection(url, properties);
	}

	/**
	 * The directory holding this node's data directory, log and socket.
	 * @return the node's directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * The server's data directory.
	 * @return the data directory
	 */
	public Path dataDirectory() {
		return this.directory.resolve("data");
	}

	/**
	 * The server's log file.
	 * @return the log file
	 */
	public Path logFile() {
		return this.directory.resolve("server.log");
	}

	int index() {
		return this.index;
	}

	PostgresCluster cluster() {
		return this.cluster;
	}

	@Override
	public String toString() {
		return this.name + " (" + HOST + ":" + this.port + ")";
	}

}
