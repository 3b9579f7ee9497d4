package io.github.pgsqlrelation.testcontainers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.github.pgsqlrelation.test.ClusterNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import io.github.pgsqlrelation.test.StateFileRelation;
import io.github.pgsqlrelation.test.TestCluster;
import io.github.pgsqlrelation.test.secrets.KnownSecrets;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL cluster in containers for tests: a primary and streaming hot standbys,
 * each a container of the official {@code postgres} image (or a compatible one) on a
 * Docker network of the cluster's own, each port published on the host ({@code 127.0.0.1}
 * for a local engine).
 * <p>
 * The relation user (default {@code relation-7}) owns the database (default {@code app})
 * and logs in with a password (scram-sha-256), as a PostgreSQL charm would grant it. The
 * cluster keeps a relation state file ({@link #relationStateFile()}) describing it as a
 * charm would, rewritten after every change of topology, so that an application under
 * test follows the cluster through failovers; with Spring Boot,
 * {@code @ServiceConnection} on the cluster points the starter at that file.
 * <p>
 * As a Testcontainers {@code Container}, which {@code @Container} and
 * {@code @ServiceConnection} require, the cluster stands for its first node
 * ({@code postgresql-0}): {@code with...} settings and {@code getMappedPort} apply to
 * that node's container. Everything else is in {@link #nodes()}. Nodes cannot be started
 * again once stopped or killed (their published ports would change). <pre class="code">
 * try (ContainerCluster cluster = new ContainerCluster().withStandbys(2)) {
 *     cluster.start();
 *     try (Connection connection = cluster.primary().connect()) { ... }
 * }
 * </pre>
 */
public class ContainerCluster extends GenericContainer<ContainerCluster> implements TestCluster {

	/**
	 * Environment variable naming the image {@link #ContainerCluster()} uses, declared
	 * compatible with {@code postgres}; the system property
	 * {@code pgsql.relation.container.image} does the same and wins.
	 */
	public static final String IMAGE_VARIABLE = "PGSQL_RELATION_CONTAINER_IMAGE";

	/**
	 * Label on every container and network of a cluster, for removing what a killed test
	 * run left behind without touching other containers.
	 */
	public static final String LABEL = "io.github.pgsqlrelation.testcontainers";

	/** The image used when none is named. */
	public static final String DEFAULT_IMAGE = "postgres:17";

	static final String SUPERUSER = "postgres";

	static final String REPLICATION_USER = "replicator";

	private static final DockerImageName POSTGRES = DockerImageName.parse("postgres");

	private static final int PORT = 5432;

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Tuned for tests, not for safety; the same on every node, since any may be promoted.
	 */
	private static final List<String> SERVER_SETTINGS = List.of("wal_level=replica", "max_wal_senders=10",
			"wal_keep_size=256MB", "hot_standby=on", "fsync=off", "shared_buffers=16MB");

	private static final String REPLICATION_ACCESS = "#!/bin/sh\n"
			+ "echo 'host replication all all scram-sha-256' >> \"$PGDATA/pg_hba.conf\"\n";

	private static final String STANDBY_DIRECTORY = "/var/lib/postgresql/standby";

	private final DockerImageName image;

	private final Network network = Network.builder()
		.createNetworkCmdModifier((command) -> command.withLabels(withClusterLabel(command.getLabels())))
		.build();

	private final String superuserPassword = Passwords.generate();

	private final String replicationPassword = Passwords.generate();

	private int standbysToStart;

	private String database = "app";

	private String user = "relation-7";

	private volatile String password = Passwords.generate();

	private Function<TestCluster, StateFileRelation> relation = RelationStateFiles::resolved;

	private final Map<ContainerNode, GenericContainer<?>> containers = new IdentityHashMap<>();

	private final List<ContainerNode> allNodes = new ArrayList<>();

	private final List<ContainerNode> standbys = new ArrayList<>();

	private @Nullable ContainerNode primary;

	private int nextIndex;

	private @Nullable String serverVersion;

	private @Nullable Path stateDirectory;

	private boolean loopback;

	/**
	 * A cluster of the image named by {@value #IMAGE_VARIABLE} (or the system property
	 * {@code pgsql.relation.container.image}), else of {@value #DEFAULT_IMAGE}.
	 */
	public ContainerCluster() {
		this(configuredImage());
	}

	/**
	 * A cluster of the given image.
	 * @param image the official {@code postgres} image or one declared compatible with it
	 * ({@code DockerImageName.parse("my/pg:15").asCompatibleSubstituteFor("postgres")})
	 * @throws IllegalStateException if the image is not declared compatible
	 */
	public ContainerCluster(DockerImageName image) {
		super(image);
		image.assertCompatibleWith(POSTGRES);
		this.image = image;
		withNetwork(this.network);
		withNetworkAliases(nodeName(0));
		withLabel(LABEL, "true");
		withExposedPorts(PORT);
		withEnv("POSTGRES_USER", SUPERUSER);
		withEnv("POSTGRES_PASSWORD", this.superuserPassword);
		// Test data need not survive a crash of the machine
		withEnv("POSTGRES_INITDB_ARGS", "--no-sync");
		withCopyToContainer(Transferable.of(REPLICATION_ACCESS, 0755),
				"/docker-entrypoint-initdb.d/pgsql-relation-replication.sh");
		withCommand(serverCommand("postgres", 0).toArray(String[]::new));
		// The official image's entrypoint runs a socket-only server for its init scripts
		// first
		waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
			.withStartupTimeout(STARTUP_TIMEOUT));
	}

	private static Map<String, String> withClusterLabel(@Nullable Map<String, String> labels) {
		Map<String, String> all = (labels != null) ? new HashMap<>(labels) : new HashMap<>();
		all.put(LABEL, "true");
		return all;
	}

	static DockerImageName configuredImage() {
		String configured = System.getProperty("pgsql.relation.container.image");
		if (configured == null || configured.isBlank()) {
			configured = System.getenv(IMAGE_VARIABLE);
		}
		if (configured == null || configured.isBlank()) {
			return DockerImageName.parse(DEFAULT_IMAGE);
		}
		return DockerImageName.parse(configured).asCompatibleSubstituteFor(POSTGRES);
	}

	/**
	 * How many streaming standbys to start with the primary (default 0).
	 * @param standbys the number of standbys
	 * @return this cluster
	 */
	public ContainerCluster withStandbys(int standbys) {
		if (standbys < 0) {
			throw new IllegalArgumentException("standbys must not be negative, got " + standbys);
		}
		this.standbysToStart = standbys;
		return this;
	}

	/**
	 * The database the relation user owns (default {@code app}).
	 * @param database the database name
	 * @return this cluster
	 */
	public ContainerCluster withDatabase(String database) {
		this.database = requireText(database, "database");
		return this;
	}

	/**
	 * The relation user (default {@code relation-7}).
	 * @param user the role name
	 * @return this cluster
	 */
	public ContainerCluster withUser(String user) {
		this.user = requireText(user, "user");
		return this;
	}

	/**
	 * The relation user's password (default: generated, letters and digits).
	 * @param password the password
	 * @return this cluster
	 */
	public ContainerCluster withPassword(String password) {
		this.password = KnownSecrets.register(requireText(password, "password"));
		return this;
	}

	/**
	 * What {@link #relationStateFile()} holds, computed again at every change (default:
	 * {@code RelationStateFiles::resolved}), e.g.
	 * {@code cluster -> RelationStateFiles.raw(cluster).canonicalStyle()}.
	 * @param relation the relation describing the cluster
	 * @return this cluster
	 */
	public ContainerCluster withRelation(Function<TestCluster, StateFileRelation> relation) {
		this.relation = Objects.requireNonNull(relation, "relation");
		return this;
	}

	/**
	 * Starts the primary, creates the relation user and its database, starts the standbys
	 * and waits until each streams, then writes {@link #relationStateFile()}. Does
	 * nothing when the cluster runs.
	 */
	@Override
	public synchronized void start() {
		if (getContainerId() != null) {
			return;
		}
		super.start();
		try {
			ContainerNode first = register(0, this);
			this.primary = first;
			createRoles(first);
			startStandbys(this.standbysToStart);
			writeStateFile();
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
	}

	@Override
	protected void configure() {
		String dockerHost = DockerClientFactory.instance().dockerHostIpAddress();
		// A local engine publishes on every interface unless told: loopback only
		this.loopback = "localhost".equals(dockerHost) || "127.0.0.1".equals(dockerHost);
		this.nextIndex = 1;
		if (this.loopback) {
			withCreateContainerCmdModifier(ContainerCluster::publishOnLoopback);
		}
	}

	private static void publishOnLoopback(CreateContainerCmd command) {
		Objects.requireNonNull(command.getHostConfig())
			.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(PORT)));
	}

	private void createRoles(ContainerNode node) {
		Sql.executeFormatted(node, "CREATE ROLE %I WITH REPLICATION LOGIN PASSWORD %L", REPLICATION_USER,
				this.replicationPassword);
		Sql.executeFormatted(node, "CREATE ROLE %I WITH LOGIN PASSWORD %L", this.user, this.password);
		Sql.executeFormatted(node, "CREATE DATABASE %I OWNER %I", this.database, this.user);
		this.serverVersion = Objects.requireNonNull(Sql.queryValue(node, "SHOW server_version")).split(" ")[0];
	}

	private ContainerNode register(int index, GenericContainer<?> container) {
		String host = this.loopback ? "127.0.0.1" : container.getHost();
		ContainerNode node = new ContainerNode(this, index, container.getContainerId(), host,
				container.getMappedPort(PORT));
		this.containers.put(node, container);
		this.allNodes.add(node);
		return node;
	}

	@Override
	public synchronized ContainerNode primary() {
		requireStarted();
		return Objects.requireNonNull(this.primary);
	}

	@Override
	public synchronized List<ContainerNode> standbys() {
		return List.copyOf(this.standbys);
	}

	@Override
	public synchronized List<ContainerNode> runningStandbys() {
		return this.standbys.stream().filter(ContainerNode::isRunning).toList();
	}

	@Override
	public synchronized List<ContainerNode> nodes() {
		return List.copyOf(this.allNodes);
	}

	/**
	 * Adds a standby of the current primary (which must be running): a new container
	 * cloning it with {@code pg_basebackup}, returned once it streams.
	 * @return the new standby
	 */
	@Override
	public synchronized ContainerNode addStandby() {
		ContainerNode standby = startStandby();
		writeStateFile();
		return standby;
	}

	/** Clones the primary into the standbys at once: each waits mostly for its copy. */
	private void startStandbys(int count) {
		ContainerNode source = primary();
		Map<Integer, GenericContainer<?>> started = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			int index = this.nextIndex++;
			started.put(index, standbyContainer(index, source));
		}
		try {
			Startables.deepStart(started.values()).join();
		}
		catch (RuntimeException ex) {
			started.values().forEach(GenericContainer::stop);
			throw ex;
		}
		started.forEach((index, container) -> this.standbys.add(register(index, container)));
		this.standbys.forEach((standby) -> awaitStreaming(standby, source));
	}

	private ContainerNode startStandby() {
		ContainerNode source = primary();
		requireRunning(source, "add a standby of");
		int index = this.nextIndex++;
		GenericContainer<?> container = standbyContainer(index, source);
		try {
			container.start();
			ContainerNode standby = register(index, container);
			this.standbys.add(standby);
			awaitStreaming(standby, source);
			return standby;
		}
		catch (RuntimeException ex) {
			container.stop();
			throw ex;
		}
	}

	private GenericContainer<?> standbyContainer(int index, ContainerNode source) {
		String name = nodeName(index);
		String script = "set -e\n" + "pg_basebackup -d 'host=" + source.name() + " port=" + PORT + " user="
				+ REPLICATION_USER + " application_name=" + name + "' -D " + STANDBY_DIRECTORY
				+ " -R -X stream -c fast --no-sync\n" + "chmod 700 " + STANDBY_DIRECTORY + "\n" + "exec "
				+ String.join(" ", serverCommand("postgres -D " + STANDBY_DIRECTORY, index)) + "\n";
		GenericContainer<?> container = new GenericContainer<>(this.image).withNetwork(this.network)
			.withNetworkAliases(name)
			.withLabel(LABEL, "true")
			.withExposedPorts(PORT)
			// Read by pg_basebackup, which -R writes into primary_conninfo
			.withEnv("PGPASSWORD", this.replicationPassword)
			.withCreateContainerCmdModifier(
					(command) -> command.withUser("postgres").withEntrypoint("sh", "-c", script))
			.waitingFor(Wait.forLogMessage(".*database system is ready to accept read-only connections.*\\s", 1)
				.withStartupTimeout(STARTUP_TIMEOUT));
		if (this.loopback) {
			container.withCreateContainerCmdModifier(ContainerCluster::publishOnLoopback);
		}
		return container;
	}

	private static List<String> serverCommand(String program, int index) {
		List<String> command = new ArrayList<>(
				List.of(program, "-c", "unix_socket_directories=/tmp", "-c", "cluster_name=" + nodeName(index)));
		SERVER_SETTINGS.forEach((setting) -> command.addAll(List.of("-c", setting)));
		return command;
	}

	private void awaitStreaming(ContainerNode standby, ContainerNode source) {
		Sql.awaitTrue(standby + " streams from " + source, source,
				"SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = ? AND state = 'streaming')",
				standby.name());
	}

	/**
	 * Removes a standby's container and its data.
	 * @param node the standby
	 */
	@Override
	public synchronized void removeStandby(ClusterNode node) {
		ContainerNode standby = standby(node);
		this.containers.remove(standby).stop();
		this.standbys.remove(standby);
		this.allNodes.remove(standby);
		writeStateFile();
	}

	@Override
	public synchronized void promote(ClusterNode node) {
		promoteStandby(standby(node));
		writeStateFile();
	}

	private void promoteStandby(ContainerNode standby) {
		requireRunning(standby, "promote");
		String promoted = Sql.queryValue(standby, "SELECT pg_promote(true, 60)");
		if (!"t".equals(promoted)) {
			throw new IllegalStateException(standby + " was not promoted within 60 seconds");
		}
		this.standbys.remove(standby);
		this.primary = standby;
	}

	@Override
	public synchronized void switchover(ClusterNode node) {
		ContainerNode standby = standby(node);
		requireRunning(standby, "switch over to");
		ContainerNode former = primary();
		requireRunning(former, "switch over from");
		String lastWritten = Objects.requireNonNull(Sql.queryValue(former, "SELECT pg_current_wal_lsn()::text"));
		stopServer(former);
		Sql.awaitTrue(standby + " has replayed the shutdown checkpoint of " + former, standby,
				"SELECT pg_last_wal_replay_lsn() > ?::pg_lsn AND pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()",
				lastWritten);
		promoteStandby(standby);
		for (ContainerNode other : List.copyOf(this.standbys)) {
			if (other.isRunning()) {
				followPrimary(other);
			}
		}
		writeStateFile();
	}

	@Override
	public synchronized void follow(ClusterNode node) {
		ContainerNode standby = standby(node);
		requireRunning(standby, "repoint");
		followPrimary(standby);
	}

	private void followPrimary(ContainerNode standby) {
		ContainerNode target = primary();
		String connection = "host=" + target.name() + " port=" + PORT + " user=" + REPLICATION_USER + " password="
				+ this.replicationPassword + " application_name=" + standby.name();
		Sql.executeFormatted(standby, "ALTER SYSTEM SET primary_conninfo = %L", connection);
		Sql.queryValue(standby, "SELECT pg_reload_conf()");
		if (target.isRunning()) {
			awaitStreaming(standby, target);
		}
	}

	/**
	 * Stops a node's server cleanly (SIGINT: fast shutdown) and waits until its container
	 * has exited. The container stays, stopped, until the cluster stops.
	 * @param node the node
	 */
	@Override
	public synchronized void stop(ClusterNode node) {
		ContainerNode member = member(node);
		resumeIfPaused(member);
		stopServer(member);
		writeStateFile();
	}

	private void stopServer(ContainerNode node) {
		if (node.isRunning()) {
			ContainerNode.docker().killContainerCmd(node.containerId()).withSignal("SIGINT").exec();
			awaitExited(node);
		}
	}

	/**
	 * Kills a node's server with SIGKILL, as a crash would, and waits until its container
	 * has exited.
	 * @param node the node
	 */
	@Override
	public synchronized void kill(ClusterNode node) {
		ContainerNode member = member(node);
		resumeIfPaused(member);
		if (member.isRunning()) {
			ContainerNode.docker().killContainerCmd(member.containerId()).exec();
			awaitExited(member);
		}
		writeStateFile();
	}

	private static void awaitExited(ContainerNode node) {
		Sql.await(node + " has exited", () -> !node.isRunning());
	}

	/**
	 * Freezes a node's container (the cgroup freezer: {@code docker pause}).
	 * @param node a running node
	 */
	@Override
	public synchronized void pause(ClusterNode node) {
		ContainerNode member = member(node);
		requireRunning(member, "pause");
		if (!member.isPaused()) {
			ContainerNode.docker().pauseContainerCmd(member.containerId()).exec();
		}
	}

	@Override
	public synchronized void resume(ClusterNode node) {
		resumeIfPaused(member(node));
	}

	private static void resumeIfPaused(ContainerNode node) {
		if (node.isPaused()) {
			ContainerNode.docker().unpauseContainerCmd(node.containerId()).exec();
		}
	}

	@Override
	public synchronized void awaitReplication() {
		ContainerNode current = primary();
		requireRunning(current, "await replication from");
		String written = Objects.requireNonNull(Sql.queryValue(current, "SELECT pg_current_wal_lsn()::text"));
		for (ContainerNode standby : runningStandbys()) {
			Sql.awaitTrue(standby + " has replayed " + current + " up to " + written, standby,
					"SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", written);
		}
	}

	@Override
	public String database() {
		return this.database;
	}

	@Override
	public String user() {
		return this.user;
	}

	@Override
	public String password() {
		return this.password;
	}

	@Override
	public synchronized void changePassword(String newPassword) {
		String registered = KnownSecrets.register(requireText(newPassword, "password"));
		ContainerNode current = primary();
		requireRunning(current, "change the password on");
		Sql.executeFormatted(current, "ALTER ROLE %I WITH PASSWORD %L", this.user, registered);
		this.password = registered;
		awaitReplication();
	}

	@Override
	public String rotatePassword() {
		String newPassword = Passwords.generate();
		changePassword(newPassword);
		return newPassword;
	}

	String superuserPassword() {
		return this.superuserPassword;
	}

	@Override
	public synchronized String serverVersion() {
		requireStarted();
		return Objects.requireNonNull(this.serverVersion);
	}

	/**
	 * The relation state file describing this cluster as a charm would (see
	 * {@link #withRelation(Function)}), written when the cluster has started and
	 * rewritten atomically after every change of topology: adding, removing, promoting,
	 * switching over, stopping or killing a node. It lives in a temporary directory that
	 * {@link #stop()} deletes.
	 * @return the file's path
	 */
	public synchronized Path relationStateFile() {
		if (this.stateDirectory == null) {
			try {
				this.stateDirectory = Files.createTempDirectory("pgsql-relation-containers-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not create a directory for the relation state file", ex);
			}
		}
		return this.stateDirectory.resolve("pgsql-relation.json");
	}

	private void writeStateFile() {
		RelationStateFiles.write(relationStateFile(), this.relation.apply(this));
	}

	/**
	 * Removes every container of the cluster, its network and its relation state file.
	 * Safe to call more than once.
	 */
	@Override
	public synchronized void stop() {
		for (Map.Entry<ContainerNode, GenericContainer<?>> entry : List.copyOf(this.containers.entrySet())) {
			try {
				resumeIfPaused(entry.getKey());
			}
			catch (RuntimeException ex) {
				// Removed below all the same
			}
			if (entry.getValue() != this) {
				entry.getValue().stop();
			}
		}
		super.stop();
		this.containers.clear();
		this.allNodes.clear();
		this.standbys.clear();
		this.primary = null;
		this.network.close();
		if (this.stateDirectory != null) {
			try {
				Files.deleteIfExists(this.stateDirectory.resolve("pgsql-relation.json"));
				Files.deleteIfExists(this.stateDirectory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not delete " + this.stateDirectory, ex);
			}
			this.stateDirectory = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

	private ContainerNode member(ClusterNode node) {
		if (!(node instanceof ContainerNode member) || member.cluster() != this || !this.allNodes.contains(member)) {
			throw new IllegalArgumentException(node + " is not a node of this cluster");
		}
		return member;
	}

	private ContainerNode standby(ClusterNode node) {
		ContainerNode member = member(node);
		if (!this.standbys.contains(member)) {
			throw new IllegalArgumentException(node + " is not a standby of this cluster");
		}
		return member;
	}

	private void requireStarted() {
		if (this.primary == null) {
			throw new IllegalStateException("The cluster has not been started");
		}
	}

	private static void requireRunning(ContainerNode node, String action) {
		if (!node.isRunning()) {
			throw new IllegalStateException("Cannot " + action + " " + node + ": it is not running");
		}
	}

	private static String nodeName(int index) {
		return "postgresql-" + index;
	}

	private static String requireText(String value, String name) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		return value;
	}

	@Override
	public String toString() {
		return "ContainerCluster " + this.image + " (primary " + this.primary + ", standbys " + this.standbys + ")";
	}

}
