package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * Copies a running primary's data directory for a new standby: with {@code pg_basebackup}
 * when the binaries have it, else with the low-level backup API over JDBC (the binaries
 * from Maven Central lack {@code pg_basebackup}).
 */
final class BaseBackups {

	private BaseBackups() {
	}

	static void withBaseBackupTool(ServerCommands commands, PostgresNode primary, Path target,
			String replicationPassword) {
		commands.run(Duration.ofMinutes(2), Map.of("PGPASSWORD", replicationPassword), "pg_basebackup", "-D",
				target.toString(), "-h", primary.host(), "-p", Integer.toString(primary.port()), "-U",
				NodeSettings.REPLICATION_USER, "-X", "stream", "-c", "fast", "--no-sync", "-w");
	}

	/**
	 * Makes a base backup as the manual's "Making a Base Backup Using the Low Level API"
	 * describes: start a non-exclusive backup, copy the files, stop the backup in the
	 * same session and write the returned label file as {@code backup_label}. The WAL
	 * from the backup's start on is streamed by the standby from the primary
	 * ({@code wal_keep_size} keeps it there).
	 */
	static void withLowLevelApi(AdminConnections admin, PostgresNode primary, Path target) {
		try (Connection connection = admin.open(primary)) {
			boolean renamedFunctions = Integer
				.parseInt(AdminConnections.queryValue(connection, "SHOW server_version_num")) >= 150000;
			String label = "pgsql-relation-test " + target.getFileName();
			AdminConnections.queryValue(connection,
					renamedFunctions ? "SELECT pg_backup_start(?, true)" : "SELECT pg_start_backup(?, true, false)",
					label);
			FileTrees.copyDataDirectory(primary.dataDirectory(), target, false);
			String stop = renamedFunctions ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
					: "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)";
			try (PreparedStatement statement = connection.prepareStatement(stop);
					ResultSet result = statement.executeQuery()) {
				result.next();
				Files.writeString(target.resolve("backup_label"), result.getString(1), StandardCharsets.UTF_8);
				String tablespaceMap = result.getString(2);
				if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
					Files.writeString(target.resolve("tablespace_map"), tablespaceMap, StandardCharsets.UTF_8);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Base backup of " + primary + " failed: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the backup label in " + target, ex);
		}
	}

}
