package io.github.pgsqlrelation.testcontainers;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import com.github.dockerjava.api.exception.NotFoundException;
import io.github.pgsqlrelation.test.ClusterNode;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;

/**
 * One PostgreSQL server of a {@link ContainerCluster}: a container on the cluster's
 * network, known there by its {@link #name()}, its port published on the host.
 */
public final class ContainerNode implements ClusterNode {

	/** The {@code application_name} of the connections this module opens itself. */
	static final String APPLICATION_NAME = "pgsql-relation-testcontainers";

	private final ContainerCluster cluster;

	private final int index;

	private final String containerId;

	private final String host;

	private final int port;

	ContainerNode(ContainerCluster cluster, int index, String containerId, String host, int port) {
		this.cluster = cluster;
		this.index = index;
		this.containerId = containerId;
		this.host = host;
		this.port = port;
	}

	/**
	 * The host its port is published on: {@code 127.0.0.1} for a local engine.
	 * @return the host
	 */
	@Override
	public String host() {
		return this.host;
	}

	/**
	 * The port published on the host, kept for the node's life.
	 * @return the port
	 */
	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String name() {
		return "postgresql-" + this.index;
	}

	@Override
	public String unitName() {
		return "postgresql/" + this.index;
	}

	/**
	 * The container's id.
	 * @return the id
	 */
	public String containerId() {
		return this.containerId;
	}

	@Override
	public boolean isRunning() {
		ContainerState state = state();
		return state != null && Boolean.TRUE.equals(state.getRunning());
	}

	@Override
	public boolean isPaused() {
		ContainerState state = state();
		return state != null && Boolean.TRUE.equals(state.getPaused());
	}

	private @Nullable ContainerState state() {
		try {
			return docker().inspectContainerCmd(this.containerId).exec().getState();
		}
		catch (NotFoundException ex) {
			return null;
		}
	}

	@Override
	public String connectionString() {
		return "dbname=" + quote(this.cluster.database()) + " host=" + this.host + " password="
				+ quote(this.cluster.password()) + " port=" + this.port + " user=" + quote(this.cluster.user());
	}

	@Override
	public String jdbcUrl() {
		return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + urlEncode(this.cluster.database());
	}

	@Override
	public Connection connect() throws SQLException {
		return connect(this.cluster.database(), this.cluster.user(), this.cluster.password());
	}

	@Override
	public Connection connectAsSuperuser() throws SQLException {
		return connect(this.cluster.database(), ContainerCluster.SUPERUSER, this.cluster.superuserPassword());
	}

	/** As the superuser to the {@code postgres} database, which exists from the start. */
	Connection connectForAdministration() throws SQLException {
		return connect("postgres", ContainerCluster.SUPERUSER, this.cluster.superuserPassword());
	}

	private Connection connect(String database, String user, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", "5");
		// A paused server accepts the TCP connection but never answers
		properties.setProperty("loginTimeout", "10");
		properties.setProperty("ApplicationName", APPLICATION_NAME);
		String url = "jdbc:postgresql://" + this.host + ":" + this.port + "/" + urlEncode(database);
		return DriverManager.getConnection(url, properties);
	}

	int index() {
		return this.index;
	}

	ContainerCluster cluster() {
		return this.cluster;
	}

	static DockerClient docker() {
		return DockerClientFactory.instance().client();
	}

	/** Quotes a libpq keyword=value value when it needs it. */
	private static String quote(String value) {
		if (!value.isEmpty() && value.chars().noneMatch((c) -> Character.isWhitespace(c) || c == '\'' || c == '\\')) {
			return value;
		}
		return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	private static String urlEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	@Override
	public String toString() {
		return name() + " (" + this.host + ":" + this.port + ", container "
				+ this.containerId.substring(0, Math.min(12, this.containerId.length())) + ")";
	}

}
