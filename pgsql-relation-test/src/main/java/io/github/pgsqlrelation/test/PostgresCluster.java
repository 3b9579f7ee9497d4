package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.pgsqlrelation.test.secrets.KnownSecrets;
import org.jspecify.annotations.Nullable;

/**
 * A real PostgreSQL cluster for tests: a primary and streaming hot standbys, each its own
 * server process on a free port of {@code 127.0.0.1}, run from a temporary directory that
 * {@link #close()} removes with every server.
 * <p>
 * The relation user (default {@code relation-7}) owns the database (default {@code app})
 * and logs in with a password (scram-sha-256), as a PostgreSQL charm would grant it.
 * <pre class="code">
 * try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
 *     try (Connection connection = cluster.primary().connect()) { ... }
 * }
 * </pre>
 */
public final class PostgresCluster implements TestCluster {

	/** Environment variable naming the directory to create cluster directories in. */
	public static final String DIRECTORY_VARIABLE = "PGSQL_RELATION_CLUSTER_DIR";

	private final Settings settings;

	private final ServerCommands commands;

	private final ServerControl servers;

	private final DataDirectoryTemplate template;

	private final AdminConnections admin;

	private final String replicationPassword = LibpqValues.newPassword();

	private final Path root;

	private final List<PostgresNode> allNodes = new CopyOnWriteArrayList<>();

	private final List<PostgresNode> standbys = new ArrayList<>();

	private @Nullable PostgresNode primary;

	private int nextIndex;

	private @Nullable String serverVersion;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** The relation user's password now: the settings' until it is changed. */
	private volatile String password;

	private PostgresCluster(Settings settings, PostgresBinaries binaries, DataDirectoryTemplate template, Path root) {
		this.settings = settings;
		this.root = root;
		this.commands = new ServerCommands(binaries, ServerUser.get(), root);
		this.template = template;
		this.admin = new AdminConnections(template.superuserPassword());
		this.servers = new ServerControl(this.commands, this.admin);
		this.password = settings.password();
	}

	/**
	 * Starts a primary and the given number of standbys with the default settings.
	 * @param standbys how many standbys
	 * @return the running cluster
	 */
	public static PostgresCluster start(int standbys) {
		return builder().standbys(standbys).start();
	}

	public static Builder builder() {
		return new Builder();
	}

	static PostgresCluster start(Settings settings) {
		ClusterDirectories.candidates().forEach(ClusterReaper::sweepOrphans);
		Path parent = ClusterDirectories.parent();
		PostgresBinaries binaries = binaries(settings);
		DataDirectoryTemplate template = DataDirectoryTemplate.get(binaries, parent);
		Path root = ClusterDirectories.create(parent, ClusterReaper.ROOT_PREFIX);
		PostgresCluster cluster = new PostgresCluster(settings, binaries, template, root);
		ClusterReaper.register(cluster);
		try {
			cluster.startNew();
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private static PostgresBinaries binaries(Settings settings) {
		if (settings.binDirectory() == null) {
			return PostgresBinaries.locate();
		}
		PostgresBinaries binaries = new PostgresBinaries(settings.binDirectory());
		if (!binaries.isComplete()) {
			throw new IllegalArgumentException(
					"Bin directory " + settings.binDirectory() + " does not hold initdb, pg_ctl and postgres");
		}
		return binaries;
	}

	private void startNew() {
		PostgresNode first = newNode();
		initialize(first);
		this.primary = first;
		this.servers.start(first);
		createRoles(first);
		if (this.settings.standbys() > 0) {
			// Standbys are cold copies of the stopped primary: no backup tool needed
			this.servers.stop(first, "fast");
			for (int i = 0; i < this.settings.standbys(); i++) {
				PostgresNode standby = newNode();
				FileTrees.copyDataDirectory(first.dataDirectory(), standby.dataDirectory(), true);
				configureStandby(standby, first);
				this.standbys.add(standby);
			}
			this.servers.start(first);
			this.standbys.forEach(this.servers::start);
			this.standbys.forEach((standby) -> this.servers.awaitStreaming(standby, first));
		}
	}

	private void initialize(PostgresNode node) {
		FileTrees.copyDataDirectory(this.template.dataDirectory(), node.dataDirectory(), true);
		NodeSettings.writeNodeSpecific(node, null, this.settings.tls());
		ServerUser.get().own(node.directory());
	}

	private void createRoles(PostgresNode node) {
		try {
			this.admin.executeFormatted(node, "CREATE ROLE %I WITH REPLICATION LOGIN PASSWORD %L",
					NodeSettings.REPLICATION_USER, this.replicationPassword);
			this.admin.executeFormatted(node, "CREATE ROLE %I WITH LOGIN PASSWORD %L", this.settings.user(),
					this.settings.password());
			this.admin.executeFormatted(node, "CREATE DATABASE %I OWNER %I", this.settings.database(),
					this.settings.user());
			String version = this.admin.queryValue(node, "SHOW server_version");
			this.serverVersion = Objects.requireNonNull(version).split(" ")[0];
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					"Could not create the database and roles on " + node + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The current primary: the first node, or the last one promoted.
	 * @return the primary
	 */
	public synchronized PostgresNode primary() {
		return Objects.requireNonNull(this.primary);
	}

	/**
	 * The current standbys, running or not, in the order they were added. A promoted node
	 * leaves this list; a former primary never joins it.
	 * @return the standbys
	 */
	public synchronized List<PostgresNode> standbys() {
		return List.copyOf(this.standbys);
	}

	/**
	 * The running standbys.
	 * @return the standbys whose server runs
	 */
	public synchronized List<PostgresNode> runningStandbys() {
		return this.standbys.stream().filter(PostgresNode::isRunning).toList();
	}

	/**
	 * Every node of the cluster that was not removed, former primaries included.
	 * @return the nodes
	 */
	public synchronized List<PostgresNode> nodes() {
		return List.copyOf(this.allNodes);
	}

	/**
	 * Adds a standby of the current primary (which must be running), cloned while the
	 * primary runs, and waits until it streams.
	 * @return the new standby, running and replaying
	 */
	public synchronized PostgresNode addStandby() {
		PostgresNode source = primary();
		requireRunning(source, "add a standby of");
		PostgresNode standby = newNode();
		try {
			if (this.settings.useBaseBackupTool() && this.commands.binaries().hasBaseBackupTool()) {
				ServerUser.get().own(standby.directory());
				BaseBackups.withBaseBackupTool(this.commands, source, standby.dataDirectory(),
						this.replicationPassword);
			}
			else {
				BaseBackups.withLowLevelApi(this.admin, source, standby.dataDirectory());
			}
			configureStandby(standby, source);
			this.standbys.add(standby);
			this.servers.start(standby);
			this.servers.awaitStreaming(standby, source);
			return standby;
		}
		catch (RuntimeException ex) {
			discard(standby);
			throw ex;
		}
	}

	/**
	 * Stops a standby and deletes its data.
	 * @param node the standby
	 */
	public synchronized void removeStandby(ClusterNode node) {
		removeStandby(member(node));
	}

	private synchronized void removeStandby(PostgresNode node) {
		if (!this.standbys.contains(node)) {
			throw new IllegalArgumentException(node + " is not a standby of this cluster");
		}
		discard(node);
	}

	private void discard(PostgresNode node) {
		resumeIfPaused(node);
		if (node.isRunning()) {
			this.servers.stop(node, "immediate");
		}
		this.standbys.remove(node);
		this.allNodes.remove(node);
		FileTrees.delete(node.directory());
	}

	/**
	 * Promotes a standby to primary, as an unplanned failover would: the former primary
	 * is left as it is (still running if it was, and writable: a split brain for the test
	 * to handle), and the other standbys keep following it (see
	 * {@link #follow(ClusterNode)}).
	 * @param node the standby to promote
	 */
	public synchronized void promote(ClusterNode node) {
		promote(member(node));
	}

	private synchronized void promote(PostgresNode node) {
		requireStandby(node);
		requireRunning(node, "promote");
		this.servers.promote(node);
		this.standbys.remove(node);
		this.primary = node;
	}

	/**
	 * Hands the primary role over to a standby as a planned switchover does: stops the
	 * primary cleanly ({@code -m fast}), waits until the standby has replayed everything
	 * up to the primary's shutdown checkpoint, promotes it, and points the other standbys
	 * at it. The former primary stays stopped and is no longer part of
	 * {@link #standbys()}: making it a standby again would need {@code pg_rewind}.
	 * @param node the standby that becomes primary
	 */
	public synchronized void switchover(ClusterNode node) {
		switchover(member(node));
	}

	private synchronized void switchover(PostgresNode node) {
		requireStandby(node);
		requireRunning(node, "switch over to");
		PostgresNode former = primary();
		requireRunning(former, "switch over from");
		String lastWritten = this.servers.currentLsn(former);
		this.servers.stop(former, "fast");
		Waits
			.until(ServerControl.REPLICATION_TIMEOUT, node + " has replayed the shutdown checkpoint of " + former,
					() -> "t".equals(
							this.admin.queryValue(node,
									"SELECT pg_last_wal_replay_lsn() > ?::pg_lsn"
											+ " AND pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()",
									lastWritten)));
		promote(node);
		for (PostgresNode standby : this.standbys) {
			if (standby.isRunning()) {
				follow(standby);
			}
		}
	}

	/**
	 * Points a standby at the current primary ({@code primary_conninfo}, reloaded) and
	 * waits until it streams from it. A standby follows a new timeline on its own
	 * ({@code recovery_target_timeline=latest}) as long as it has not replayed past the
	 * point where the new primary was promoted.
	 * @param standby a running standby
	 */
	public synchronized void follow(ClusterNode standby) {
		follow(member(standby));
	}

	private synchronized void follow(PostgresNode standby) {
		requireStandby(standby);
		requireRunning(standby, "repoint");
		PostgresNode target = primary();
		String connection = NodeSettings.primaryConnection(target, standby, this.replicationPassword);
		try {
			this.admin.executeFormatted(standby, "ALTER SYSTEM SET primary_conninfo = %L", connection);
			this.admin.queryValue(standby, "SELECT pg_reload_conf()");
			if (Integer
				.parseInt(Objects.requireNonNull(this.admin.queryValue(standby, "SHOW server_version_num"))) < 130000) {
				// primary_conninfo takes effect on reload only from PostgreSQL 13 on
				this.servers.stop(standby, "fast");
				this.servers.start(standby);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not point " + standby + " at " + target + ": " + ex.getMessage(),
					ex);
		}
		if (target.isRunning()) {
			this.servers.awaitStreaming(standby, target);
		}
	}

	/**
	 * Stops a node cleanly ({@code pg_ctl stop -m fast}).
	 * @param node the node
	 */
	public synchronized void stop(ClusterNode node) {
		stop(member(node));
	}

	private synchronized void stop(PostgresNode node) {
		resumeIfPaused(node);
		if (node.isRunning()) {
			this.servers.stop(node, "fast");
		}
	}

	/**
	 * Starts a stopped (or killed) node and waits until it accepts connections; a standby
	 * also until it streams, when the primary runs.
	 * @param node the node
	 */
	public synchronized void start(ClusterNode node) {
		start(member(node));
	}

	private synchronized void start(PostgresNode node) {
		if (node.isRunning()) {
			return;
		}
		this.servers.start(node);
		PostgresNode current = primary();
		if (this.standbys.contains(node) && current.isRunning()) {
			this.servers.awaitStreaming(node, current);
		}
	}

	/**
	 * Kills a node's postmaster with SIGKILL, as a crash would, and waits until its
	 * processes are gone. The node keeps its role: {@link #start(ClusterNode)} brings it
	 * back through crash recovery.
	 * @param node the node
	 */
	public synchronized void kill(ClusterNode node) {
		kill(member(node));
	}

	private synchronized void kill(PostgresNode node) {
		OptionalLong pid = node.pid();
		if (pid.isPresent()) {
			ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessKiller::killAndWait);
		}
	}

	/**
	 * Freezes a node as a hung machine would: SIGSTOP to the postmaster and every process
	 * it started, its backends included. Its port still accepts TCP connections and its
	 * open connections stay open, but nothing answers until {@link #resume(ClusterNode)}.
	 * {@link #stop(ClusterNode)}, {@link #removeStandby(ClusterNode)} and
	 * {@link #close()} resume a paused node first; {@link #kill(ClusterNode)} kills it as
	 * it is.
	 * @param node a running node
	 */
	public synchronized void pause(ClusterNode node) {
		pause(member(node));
	}

	private synchronized void pause(PostgresNode node) {
		requireRunning(node, "pause");
		ProcessKiller.pause(postmaster(node));
	}

	/**
	 * Lets a paused node run again (SIGCONT to the postmaster and its processes); what
	 * clients sent meanwhile is answered then. Does nothing to a node that is not paused.
	 * @param node the node
	 */
	public synchronized void resume(ClusterNode node) {
		resume(member(node));
	}

	private synchronized void resume(PostgresNode node) {
		resumeIfPaused(node);
	}

	/**
	 * Counts the relation user's connections to a node, as the server sees them
	 * ({@code pg_stat_activity}), leaving out this module's own
	 * ({@link PostgresNode#connect()}): what the application's pools hold open there.
	 * @param node a running node that is not paused
	 * @return the number of connections
	 */
	public int serverConnections(ClusterNode node) {
		return serverConnections(member(node));
	}

	private int serverConnections(PostgresNode node) {
		try {
			String count = this.admin.queryValue(node,
					"SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND application_name <> ?",
					this.settings.user(), PostgresNode.APPLICATION_NAME);
			return Integer.parseInt(Objects.requireNonNull(count));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not count the connections to " + node + ": " + ex.getMessage(), ex);
		}
	}

	private void resumeIfPaused(PostgresNode node) {
		node.pid().stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream).forEach((postmaster) -> {
			if (ProcessKiller.isStopped(postmaster) || postmaster.descendants().anyMatch(ProcessKiller::isStopped)) {
				ProcessKiller.resume(postmaster);
			}
		});
	}

	private static ProcessHandle postmaster(PostgresNode node) {
		return ProcessHandle.of(node.pid().orElseThrow())
			.orElseThrow(() -> new IllegalStateException(node + " is not running"));
	}

	/**
	 * Waits until every running standby has replayed all the WAL the primary has written
	 * so far. A standby left following a former primary after
	 * {@link #promote(ClusterNode)} never does: {@link #follow(ClusterNode)} it first.
	 */
	public synchronized void awaitReplication() {
		PostgresNode current = primary();
		requireRunning(current, "await replication from");
		String written = this.servers.currentLsn(current);
		for (PostgresNode standby : runningStandbys()) {
			this.servers.awaitReplay(standby, written, standby + " has replayed " + current + " up to " + written);
		}
	}

	public String database() {
		return this.settings.database();
	}

	public String user() {
		return this.settings.user();
	}

	public String password() {
		return this.password;
	}

	/**
	 * Gives the relation user a new generated password (letters and digits, known to the
	 * tests' leak detection), as {@link #changePassword(String)} does.
	 * @return the new password
	 */
	public String rotatePassword() {
		String newPassword = LibpqValues.newPassword();
		changePassword(newPassword);
		return newPassword;
	}

	/**
	 * Changes the relation user's password on the primary
	 * ({@code ALTER ROLE ... PASSWORD}, as a PostgreSQL charm rotating it does) and waits
	 * until every running standby has replayed the change. From then on the servers
	 * refuse new connections with the old password (connections already open stay), and
	 * connection strings written for the relation
	 * ({@link ClusterNode#connectionString()}, {@link RelationStateFiles}) carry the new
	 * one.
	 * @param newPassword the new password, registered with the tests' leak detection
	 */
	public synchronized void changePassword(String newPassword) {
		String registered = KnownSecrets.register(Builder.requireText(newPassword, "password"));
		PostgresNode current = primary();
		requireRunning(current, "change the password on");
		try {
			this.admin.executeFormatted(current, "ALTER ROLE %I WITH PASSWORD %L", this.settings.user(), registered);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not change the password of " + this.settings.user() + " on "
					+ current + ": " + ex.getMessage(), ex);
		}
		this.password = registered;
		awaitReplication();
	}

	String superuserPassword() {
		return this.admin.password();
	}

	/**
	 * The servers' version as PostgreSQL charms publish it, e.g. {@code 15.10}.
	 * @return the version
	 */
	public String serverVersion() {
		return Objects.requireNonNull(this.serverVersion);
	}

	/**
	 * The temporary directory holding every node's data directory, log and socket.
	 * @return the directory
	 */
	public Path rootDirectory() {
		return this.root;
	}

	/**
	 * Stops every server at once ({@code pg_ctl stop -m immediate}, SIGKILL if that
	 * fails) and deletes the cluster's directory. Safe to call more than once.
	 */
	@Override
	public void close() {
		// Not synchronized: the shutdown hook must not wait for an operation in progress
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		for (PostgresNode node : this.allNodes) {
			resumeIfPaused(node);
			if (node.isRunning()) {
				try {
					this.servers.stop(node, "immediate");
				}
				catch (RuntimeException ex) {
					// Falls through to SIGKILL below
				}
			}
			node.pid()
				.stream()
				.mapToObj(ProcessHandle::of)
				.flatMap(Optional::stream)
				.filter(ProcessKiller::isAlive)
				.forEach(ProcessKiller::killAndWait);
		}
		FileTrees.delete(this.root);
		ClusterReaper.unregister(this);
	}

	@Override
	public String toString() {
		return "PostgresCluster " + this.root.getFileName() + " (primary " + this.primary + ", standbys "
				+ this.standbys + ")";
	}

	private PostgresNode newNode() {
		int index = this.nextIndex++;
		Path directory = this.root.resolve("postgresql-" + index);
		try {
			Files.createDirectory(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create " + directory, ex);
		}
		PostgresNode node = new PostgresNode(this, index, ClusterDirectories.freePort(), directory);
		this.allNodes.add(node);
		return node;
	}

	private void configureStandby(PostgresNode standby, PostgresNode source) {
		NodeSettings.writeNodeSpecific(standby,
				NodeSettings.primaryConnection(source, standby, this.replicationPassword), this.settings.tls());
		ServerUser.get().own(standby.directory());
	}

	private void requireMember(PostgresNode node) {
		member(node);
	}

	private PostgresNode member(ClusterNode node) {
		if (!(node instanceof PostgresNode member) || member.cluster() != this || !this.allNodes.contains(member)) {
			throw new IllegalArgumentException(node + " is not a node of this cluster");
		}
		return member;
	}

	private void requireStandby(PostgresNode node) {
		requireMember(node);
		if (!this.standbys.contains(node)) {
			throw new IllegalArgumentException(node + " is not a standby of this cluster");
		}
	}

	private static void requireRunning(PostgresNode node, String action) {
		if (!node.isRunning()) {
			throw new IllegalStateException("Cannot " + action + " " + node + ": it is not running");
		}
	}

	/**
	 * Settings of a cluster to start.
	 */
	record Settings(int standbys, String database, String user, String password, boolean useBaseBackupTool,
			@Nullable Path binDirectory, @Nullable ServerTls tls) {

		@Override
		public String toString() {
			return "Settings[standbys=" + this.standbys + ", database=" + this.database + ", user=" + this.user
					+ ", password=******, useBaseBackupTool=" + this.useBaseBackupTool + ", binDirectory="
					+ this.binDirectory + ", tls=" + this.tls + "]";
		}

	}

	/**
	 * Builds a {@link PostgresCluster}.
	 */
	public static final class Builder {

		private int standbys;

		private String database = "app";

		private String user = "relation-7";

		private @Nullable String password;

		private boolean useBaseBackupTool = true;

		private @Nullable Path binDirectory;

		private @Nullable ServerTls tls;

		private Builder() {
		}

		/**
		 * How many streaming standbys to start with the primary (default 0).
		 * @param standbys the number of standbys
		 * @return this builder
		 */
		public Builder standbys(int standbys) {
			if (standbys < 0) {
				throw new IllegalArgumentException("standbys must not be negative, got " + standbys);
			}
			this.standbys = standbys;
			return this;
		}

		/**
		 * The database the relation user owns (default {@code app}).
		 * @param database the database name
		 * @return this builder
		 */
		public Builder database(String database) {
			this.database = requireText(database, "database");
			return this;
		}

		/**
		 * The relation user (default {@code relation-7}).
		 * @param user the role name
		 * @return this builder
		 */
		public Builder user(String user) {
			this.user = requireText(user, "user");
			return this;
		}

		/**
		 * The relation user's password (default: generated, letters and digits).
		 * @param password the password
		 * @return this builder
		 */
		public Builder password(String password) {
			this.password = KnownSecrets.register(requireText(password, "password"));
			return this;
		}

		/**
		 * Whether {@link PostgresCluster#addStandby()} may use {@code pg_basebackup} when
		 * the binaries have it (default {@code true}); otherwise it copies the primary
		 * through the low-level backup API, as it must with binaries that lack the tool.
		 * @param useBaseBackupTool whether to use {@code pg_basebackup}
		 * @return this builder
		 */
		public Builder useBaseBackupTool(boolean useBaseBackupTool) {
			this.useBaseBackupTool = useBaseBackupTool;
			return this;
		}

		/**
		 * The directory of the PostgreSQL programs to use, instead of looking for them.
		 * @param binDirectory a directory holding {@code initdb}, {@code pg_ctl} and
		 * {@code postgres}
		 * @return this builder
		 */
		public Builder binDirectory(Path binDirectory) {
			this.binDirectory = binDirectory;
			return this;
		}

		/**
		 * Makes every node serve TLS ({@code ssl = on}) with the given certificate and
		 * key, which each node gets a copy of; clients may still connect without TLS.
		 * Without this, no node offers TLS.
		 * @param certificateChain a PEM file: the server's certificate, then any
		 * intermediate CA certificates
		 * @param privateKey a PEM file holding the server's unencrypted private key
		 * @return this builder
		 */
		public Builder tls(Path certificateChain, Path privateKey) {
			this.tls = new ServerTls(certificateChain, privateKey);
			return this;
		}

		/**
		 * Starts the cluster and waits until the primary accepts connections and every
		 * standby streams from it.
		 * @return the running cluster
		 */
		public PostgresCluster start() {
			String chosenPassword = (this.password != null) ? this.password : LibpqValues.newPassword();
			return PostgresCluster.start(new Settings(this.standbys, this.database, this.user, chosenPassword,
					this.useBaseBackupTool, this.binDirectory, this.tls));
		}

		static String requireText(String value, String name) {
			if (value == null || value.isEmpty()) {
				throw new IllegalArgumentException(name + " must not be empty");
			}
			return value;
		}

	}

}
