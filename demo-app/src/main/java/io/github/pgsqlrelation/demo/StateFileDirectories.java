package io.github.pgsqlrelation.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The temporary directories that hold the demo's relation state file. The file holds
 * passwords, so a directory whose demo died without closing it (killed with
 * {@code SIGKILL}, crashed) is deleted by the next demo started on the machine, as the
 * test module does for the servers themselves.
 */
final class StateFileDirectories {

	static final String PREFIX = "pgsql-relation-demo-";

	static final String OWNER_FILE = "owner.pid";

	private static final Log logger = LogFactory.getLog(StateFileDirectories.class);

	private StateFileDirectories() {
	}

	/**
	 * Creates a directory for this process's state file, after deleting those of demos
	 * that are gone.
	 * @param parent where temporary directories go
	 * @return the new directory, owned by this process
	 * @throws UncheckedIOException if the directory cannot be created
	 */
	static Path create(Path parent) {
		sweepOrphans(parent);
		try {
			Path directory = Files.createTempDirectory(parent, PREFIX);
			Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create the directory of the relation state file", ex);
		}
	}

	/** Deletes a directory of this demo and what is in it. */
	static void delete(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			logger.warn("Could not delete " + directory + ": " + ex.getMessage());
		}
	}

	static void sweepOrphans(Path parent) {
		try (DirectoryStream<Path> directories = Files.newDirectoryStream(parent, PREFIX + "*")) {
			for (Path directory : directories) {
				if (Files.isDirectory(directory) && isOrphan(directory)) {
					logger.info("Deleting the relation state file of a demo that is gone: " + directory);
					delete(directory);
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Could not look for state files of demos that are gone in " + parent, ex);
		}
	}

	/**
	 * Whether the process that created the directory is gone. A directory without an
	 * owner file (written by a demo before this file existed, or half created) counts as
	 * orphaned once it is a minute old.
	 */
	private static boolean isOrphan(Path directory) throws IOException {
		Optional<Long> owner = owner(directory);
		if (owner.isEmpty()) {
			return Files.getLastModifiedTime(directory).toMillis() < System.currentTimeMillis() - 60_000;
		}
		return ProcessHandle.of(owner.get()).map((process) -> !process.isAlive()).orElse(true);
	}

	private static Optional<Long> owner(Path directory) {
		try {
			return Optional
				.of(Long.parseLong(Files.readString(directory.resolve(OWNER_FILE), StandardCharsets.US_ASCII).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

}
