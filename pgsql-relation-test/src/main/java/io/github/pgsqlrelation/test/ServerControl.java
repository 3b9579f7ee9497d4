package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Starts, stops and promotes one node's server, and waits for replication states.
 *
 * @param commands runs {@code pg_ctl}
 * @param admin opens superuser connections
 */
record ServerControl(ServerCommands commands, AdminConnections admin) {

	static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(30);

	/** Starts the server and waits until it accepts connections. */
	void start(PostgresNode node) {
		removeStaleLockFiles(node);
		try {
			this.commands.run(START_TIMEOUT, "pg_ctl", "start", "-w", "-t", seconds(START_TIMEOUT), "-D",
					node.dataDirectory().toString(), "-l", node.logFile().toString());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("Could not start " + node + ": " + ex.getMessage() + "\nServer log "
					+ node.logFile() + ":\n" + logTail(node), ex);
		}
	}

	private static String logTail(PostgresNode node) {
		try {
			List<String> lines = Files.readAllLines(node.logFile(), StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	/** Stops the server in the given {@code pg_ctl} mode and waits until it is gone. */
	void stop(PostgresNode node, String mode) {
		this.commands.run(START_TIMEOUT, "pg_ctl", "stop", "-w", "-t", seconds(START_TIMEOUT), "-m", mode, "-D",
				node.dataDirectory().toString());
	}

	/** Promotes a standby and waits until it is out of recovery. */
	void promote(PostgresNode node) {
		this.commands.run(START_TIMEOUT, "pg_ctl", "promote", "-w", "-t", seconds(START_TIMEOUT), "-D",
				node.dataDirectory().toString());
		Waits.until(START_TIMEOUT, node + " is out of recovery",
				() -> "f".equals(this.admin.queryValue(node, "SELECT pg_is_in_recovery()")));
	}

	void awaitStreaming(PostgresNode standby, PostgresNode source) {
		Waits.until(START_TIMEOUT, standby + " streams from " + source, () -> "t".equals(this.admin.queryValue(source,
				"SELECT count(*) > 0 FROM pg_stat_replication" + " WHERE application_name = ? AND state = 'streaming'",
				standby.name())));
	}

	/** Waits until the standby has replayed the WAL up to the given position. */
	void awaitReplay(PostgresNode standby, String lsn, String description) {
		Waits.until(REPLICATION_TIMEOUT, description,
				() -> "t".equals(this.admin.queryValue(standby, "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", lsn)));
	}

	String currentLsn(PostgresNode primary) {
		try {
			return Objects.requireNonNull(this.admin.queryValue(primary, "SELECT pg_current_wal_lsn()"));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the WAL position of " + primary + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * A killed postmaster leaves its lock files behind. PostgreSQL takes them over when
	 * their process is gone, but not while it is a zombie that {@code init} has yet to
	 * reap (the lock check sees the process id as taken): remove them once the process is
	 * no more.
	 */
	private static void removeStaleLockFiles(PostgresNode node) {
		if (node.isRunning()) {
			return;
		}
		try (DirectoryStream<Path> socketLocks = Files.newDirectoryStream(node.directory(), ".s.PGSQL.*")) {
			Files.deleteIfExists(node.dataDirectory().resolve("postmaster.pid"));
			for (Path lock : socketLocks) {
				Files.deleteIfExists(lock);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not remove the stale lock files of " + node, ex);
		}
	}

	private static String seconds(Duration timeout) {
		return Long.toString(timeout.toSeconds());
	}

}
