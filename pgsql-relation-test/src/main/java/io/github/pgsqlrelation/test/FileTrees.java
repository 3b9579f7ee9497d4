package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Copies and deletes data directories.
 */
final class FileTrees {

	/**
	 * What a copy of a data directory leaves out, after the manual's "Making a Base
	 * Backup Using the Low Level API": these are recreated by the server or would confuse
	 * it.
	 */
	private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
			"tablespace_map", "pg_internal.init", "standby.signal", "recovery.signal", "backup_label.old");

	private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
			"pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

	private FileTrees() {
	}

	/**
	 * Copies a data directory, running or not, leaving out what a base backup leaves out.
	 * @param source the data directory
	 * @param target the new data directory (must not exist)
	 * @param withWal whether to copy {@code pg_wal} too (a copy of a stopped server can
	 * start from it)
	 */
	static void copyDataDirectory(Path source, Path target, boolean withWal) {
		try {
			Files.walkFileTree(source, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
					Path copy = target.resolve(source.relativize(dir).toString());
					Files.createDirectories(copy);
					Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
					boolean wal = dir.getFileName().toString().equals("pg_wal");
					if (dir.getParent() != null && dir.getParent().equals(source)
							&& EMPTIED_DIRECTORIES.contains(dir.getFileName().toString()) && !(wal && withWal)) {
						if (wal) {
							Files.createDirectories(copy.resolve("archive_status"));
						}
						return FileVisitResult.SKIP_SUBTREE;
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					String name = file.getFileName().toString();
					if (SKIPPED_FILES.contains(name) || name.startsWith("pgsql_tmp")) {
						return FileVisitResult.CONTINUE;
					}
					try {
						Files.copy(file, target.resolve(source.relativize(file).toString()),
								StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
					}
					catch (NoSuchFileException ex) {
						// A running server removed it while we copied: recovery does
						// without it
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not copy data directory " + source + " to " + target, ex);
		}
	}

	static void delete(Path root) {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException ex) throws IOException {
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + root, ex);
		}
	}

}
