package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;

/**
 * The relation state file as a charm writes it: a temporary file renamed over the old
 * one. The rename is the moment the scenarios measure from.
 */
final class StateFile {

	private final Path file;

	StateFile(Path file) {
		this.file = file;
	}

	Path path() {
		return this.file;
	}

	/**
	 * Publishes a master and standbys.
	 * @return {@link System#nanoTime()} just before the atomic rename
	 */
	long write(PostgresCluster cluster, PostgresNode master, List<PostgresNode> standbys) {
		String json = RelationStateFiles.toJson(RelationStateFiles.resolved(cluster).master(master).standbys(standbys));
		try {
			Path temporary = Files.createTempFile(this.file.getParent(), "." + this.file.getFileName() + ".", ".tmp");
			Files.writeString(temporary, json, StandardCharsets.UTF_8);
			long renamed = System.nanoTime();
			Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return renamed;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the relation state file " + this.file, ex);
		}
	}

}
