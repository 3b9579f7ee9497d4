package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PostgresBinaries}.
 */
class PostgresBinariesTests {

	@TempDir
	Path directory;

	@Test
	void versionedDirectoriesComeHighestVersionFirstComparedAsNumbers() throws IOException {
		for (String name : new String[] { "9.6", "16", "13", "common", "pgsql-17" }) {
			Files.createDirectories(this.directory.resolve(name));
		}
		assertThat(PostgresBinaries.versionedDirectories(this.directory, "", "bin")).containsExactly(
				this.directory.resolve("16/bin"), this.directory.resolve("13/bin"), this.directory.resolve("9.6/bin"));
		assertThat(PostgresBinaries.versionedDirectories(this.directory, "pgsql-", "bin"))
			.containsExactly(this.directory.resolve("pgsql-17/bin"));
	}

	@Test
	void directoryWithoutAllServerProgramsIsIncomplete() throws IOException {
		Path bin = Files.createDirectories(this.directory.resolve("bin"));
		Files.createFile(bin.resolve("initdb")).toFile().setExecutable(true);
		Files.createFile(bin.resolve("pg_ctl")).toFile().setExecutable(true);
		assertThat(new PostgresBinaries(bin).isComplete()).isFalse();
		Files.createFile(bin.resolve("postgres")).toFile().setExecutable(true);
		assertThat(new PostgresBinaries(bin).isComplete()).isTrue();
		assertThat(new PostgresBinaries(bin).hasBaseBackupTool()).isFalse();
	}

}
