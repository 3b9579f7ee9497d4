package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The state file holds passwords: one that others can read is warned about, or refused
 * when private files are required.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateFilePermissionsTests {

	private static final StateFilePolicy REQUIRE_PRIVATE = new StateFilePolicy(StateFilePolicy.DEFAULT_MAX_SIZE, true);

	@TempDir
	Path directory;

	private WatchedStateFile state;

	@BeforeEach
	void stateFile() {
		this.state = new WatchedStateFile(this.directory.resolve("state.json"));
	}

	@AfterEach
	void stopWatching() {
		this.state.close();
	}

	@Test
	void fileOthersCanReadIsUsedWithOneWarningPerDistinctMode(CapturedOutput output) throws IOException {
		this.state.write(WatchedStateFile.state("10.0.0.5").getBytes(), "rw-r--r--");
		this.state.start();
		this.state.refreshRepeatedly();
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		assertThat(warnings(output)).singleElement()
			.asString()
			.contains(this.state.file + " is readable by group and others (mode rw-r--r--)")
			.contains("chmod 600 " + this.state.file)
			.contains("owned by the user the application runs as");
		chmod("rw-r-----");
		this.state.refreshRepeatedly();
		assertThat(warnings(output)).hasSize(2).last().asString().contains("readable by group (mode rw-r-----)");
		chmod("rw-------");
		this.state.refreshRepeatedly();
		assertThat(warnings(output)).hasSize(2);
		chmod("rw----r--");
		this.state.refreshRepeatedly();
		assertThat(warnings(output)).hasSize(3).last().asString().contains("readable by others (mode rw----r--)");
		assertThat(this.state.problems).isEmpty();
		assertThat(this.state.problem()).isNull();
		assertThat(output).doesNotContain("s3cret");
	}

	@Test
	void privateFileIsNotWarnedAbout(CapturedOutput output) {
		this.state.writeGood("10.0.0.5");
		this.state.start();
		this.state.refreshRepeatedly();
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		assertThat(warnings(output)).isEmpty();
	}

	@Test
	void whenPrivateFilesAreRequiredAnExposedFileIsRefusedAndTheLastGoodStateKept(CapturedOutput output)
			throws IOException {
		this.state.writeGood("10.0.0.5");
		this.state.start(REQUIRE_PRIVATE, WatchedStateFile.LONG_RECHECK, Clock.systemUTC());
		this.state.write(WatchedStateFile.state("10.0.0.6").getBytes(), "rw-r--r--");
		this.state.awaitProblem();
		this.state.refreshRepeatedly();
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		assertThat(this.state.problems).singleElement()
			.asString()
			.contains(this.state.file + " is refused")
			.contains("readable by group and others (mode rw-r--r--)")
			.contains("chmod 600 " + this.state.file);
		chmod("rw-------");
		this.state.awaitMaster("10.0.0.6");
		assertThat(output).doesNotContain("s3cret");
	}

	@Test
	void whenPrivateFilesAreRequiredAnExposedFileIsRefusedEvenIfItsContentIsTheLastGoodOne() throws IOException {
		this.state.writeGood("10.0.0.5");
		this.state.start(REQUIRE_PRIVATE, WatchedStateFile.LONG_RECHECK, Clock.systemUTC());
		chmod("rw-rw----");
		this.state.awaitProblem();
		assertThat(this.state.problem()).contains("readable by group (mode rw-rw----)");
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		chmod("rw-------");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.state.problem() == null);
	}

	@Test
	void whenPrivateFilesAreRequiredAnExposedFileAtStartUpIsWhyTheRelationIsNotReady() {
		this.state.write(WatchedStateFile.state("10.0.0.5").getBytes(), "rw-r--r--");
		this.state.start(REQUIRE_PRIVATE, WatchedStateFile.LONG_RECHECK, Clock.systemUTC());
		RelationSnapshot effective = this.state.watcher().current();
		assertThat(effective.master()).isNull();
		assertThat(effective.readiness().isReady()).isFalse();
		assertThat(effective.readiness().reason()).contains("is refused")
			.contains("mode rw-r--r--")
			.contains("chmod 600 " + this.state.file);
	}

	@Test
	void fileSystemWithoutPosixPermissionsIsReadWithoutAWord(CapturedOutput output) throws IOException {
		URI zip = URI.create("jar:" + this.directory.resolve("states.zip").toUri());
		try (FileSystem fileSystem = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
			assertThat(fileSystem.supportedFileAttributeViews()).doesNotContain("posix");
			Path file = Files.writeString(fileSystem.getPath("/state.json"), WatchedStateFile.state("10.0.0.5"));
			try (WatchedStateFile zipped = new WatchedStateFile(file)) {
				// Such a file system has no watch service either: the re-check finds
				// changes.
				zipped.start(REQUIRE_PRIVATE, Duration.ofMillis(50), Clock.systemUTC());
				assertThat(zipped.masterHost()).isEqualTo("10.0.0.5");
				Files.writeString(file, WatchedStateFile.state("10.0.0.6"));
				zipped.awaitMaster("10.0.0.6");
				assertThat(zipped.problems).isEmpty();
			}
		}
		assertThat(output).doesNotContain("is readable by").doesNotContain("Unexpected failure");
	}

	private void chmod(String permissions) throws IOException {
		Files.setPosixFilePermissions(this.state.file, PosixFilePermissions.fromString(permissions));
	}

	private List<String> warnings(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(this.state.file + " is readable by")).toList();
	}

}
