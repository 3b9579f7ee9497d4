package io.github.pgsqlrelation.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's state file, full of passwords, does not outlive a demo killed with
 * {@code SIGKILL}: the next demo deletes it.
 */
class StateFileDirectoriesTests {

	@TempDir
	Path parent;

	@Test
	void nextDemoDeletesTheStateFileOfADemoThatWasKilled() throws Exception {
		Process killed = new ProcessBuilder("sleep", "60").start();
		Path stale = Files.createDirectory(this.parent.resolve(StateFileDirectories.PREFIX + "killed"));
		Files.writeString(stale.resolve(StateFileDirectories.OWNER_FILE), Long.toString(killed.pid()));
		Files.writeString(stale.resolve("pgsql-relation.json"), "{}");
		killed.destroyForcibly().waitFor();

		Path own = StateFileDirectories.create(this.parent);

		assertThat(stale).doesNotExist();
		assertThat(own).isDirectory().isNotEqualTo(stale);
		assertThat(own.resolve(StateFileDirectories.OWNER_FILE))
			.hasContent(Long.toString(ProcessHandle.current().pid()));
	}

	@Test
	void stateFileOfADemoStillRunningIsKept() throws Exception {
		Process running = new ProcessBuilder("sleep", "60").start();
		try {
			Path other = Files.createDirectory(this.parent.resolve(StateFileDirectories.PREFIX + "running"));
			Files.writeString(other.resolve(StateFileDirectories.OWNER_FILE), Long.toString(running.pid()));
			Files.writeString(other.resolve("pgsql-relation.json"), "{}");

			StateFileDirectories.create(this.parent);

			assertThat(other.resolve("pgsql-relation.json")).exists();
		}
		finally {
			running.destroyForcibly().waitFor();
		}
	}

	@Test
	void otherTemporaryDirectoriesAreLeftAlone() throws IOException {
		Path unrelated = Files.createDirectory(this.parent.resolve("pgsql-relation-cluster-1"));

		StateFileDirectories.create(this.parent);

		assertThat(unrelated).isDirectory();
	}

}
