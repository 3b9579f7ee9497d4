package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.MasterAvailableEvent;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RelationStateWatcher}.
 */
class RelationStateWatcherTests {

	private static final Duration LONG_RECHECK = Duration.ofMinutes(10);

	@TempDir
	Path directory;

	private final List<RelationEvent> events = new CopyOnWriteArrayList<>();

	private RelationStateWatcher watcher;

	@AfterEach
	void closeWatcher() {
		if (this.watcher != null) {
			this.watcher.close();
		}
	}

	@Test
	void loadReadsTheFileButPublishesOnlyOnStart() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		this.watcher = watcher(file, LONG_RECHECK);
		this.watcher.load();
		assertThat(masterHost()).isEqualTo("10.0.0.5");
		assertThat(this.events).isEmpty();
		this.watcher.start();
		assertThat(this.events).hasAtLeastOneElementOfType(MasterAvailableEvent.class);
	}

	@Test
	void aChangeBeforeStartReachesListenersAtOnceAndTheApplicationAfterTheFirstState() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		this.watcher = watcher(file, LONG_RECHECK);
		this.watcher.load();
		List<String> applied = new CopyOnWriteArrayList<>();
		this.watcher.subscribe((snapshot) -> applied.add(snapshot.master().get("host")));
		write(file, state("10.0.0.6"));
		this.watcher.refresh();
		assertThat(applied).containsExactly("10.0.0.5", "10.0.0.6");
		assertThat(this.events).isEmpty();
		this.watcher.start();
		assertThat(this.events).filteredOn(MasterChangedEvent.class::isInstance)
			.extracting((event) -> ((MasterChangedEvent) event).master().get("host"))
			.containsExactly("10.0.0.5", "10.0.0.6");
	}

	@Test
	void atomicRenameIsPickedUpByNotification() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		write(file, state("10.0.0.6"));
		await().atMost(Duration.ofSeconds(5)).until(() -> "10.0.0.6".equals(masterHost()));
		assertThat(this.events).filteredOn(MasterChangedEvent.class::isInstance).hasSize(2);
	}

	@Test
	void replacedFileIsTakenAtOnce() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		this.watcher = watcher(file, LONG_RECHECK);
		this.watcher.load();
		write(file, state("10.0.0.6"));
		assertThat(this.watcher.changed(FileWatcher.Trigger.REPLACED)).isTrue();
		assertThat(masterHost()).isEqualTo("10.0.0.6");
	}

	@Test
	void fileCreatedInPlaceAndNotYetWrittenIsNeitherTakenNorReportedUntilSettled() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		List<String> problems = new CopyOnWriteArrayList<>();
		this.watcher = new RelationStateWatcher(
				RelationStateWatcher.Settings.of(file, "db").withRecheckInterval(LONG_RECHECK), this.events::add,
				new RelationStateWatcher.RefreshListener() {

					@Override
					public void problem(String message) {
						problems.add(message);
					}

				});
		this.watcher.load();
		this.watcher.start();
		this.watcher.close();
		Files.delete(file);
		Files.writeString(file, state("10.0.0.6").substring(0, 60));
		assertThat(this.watcher.changed(FileWatcher.Trigger.REPLACED)).isFalse();
		assertThat(this.watcher.status().problem()).isNull();
		assertThat(problems).isEmpty();
		assertThat(masterHost()).isEqualTo("10.0.0.5");
		assertThat(this.watcher.changed(FileWatcher.Trigger.SETTLED)).isTrue();
		assertThat(this.watcher.status().problem()).contains(file.toString());
		assertThat(problems).hasSize(1);
		assertThat(masterHost()).isEqualTo("10.0.0.5");
	}

	@Test
	void fileWrittenInPlaceIsPickedUpWhenQuiet() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		Files.writeString(file, state("10.0.0.6"));
		await().atMost(Duration.ofSeconds(5)).until(() -> "10.0.0.6".equals(masterHost()));
		assertThat(this.watcher.status().problem()).isNull();
	}

	@Test
	void missingFileIsNotReadyWithTheReasonAndPickedUpWhenItAppears() throws IOException {
		Path file = this.directory.resolve("state.json");
		startWatching(file, LONG_RECHECK);
		RelationSnapshot effective = this.watcher.current();
		assertThat(effective.readiness().isReady()).isFalse();
		assertThat(effective.readiness().reason()).contains(file.toString()).contains("does not exist");
		write(file, state("10.0.0.5"));
		await().atMost(Duration.ofSeconds(5)).until(() -> "10.0.0.5".equals(masterHost()));
	}

	@Test
	void symlinkSwapLikeKubernetesVolumesIsFollowed() throws IOException {
		// Kubernetes: file -> ..data/file, ..data -> ..<timestamp>; an update swaps
		// ..data.
		Path first = Files.createDirectory(this.directory.resolve("..2026_01"));
		write(first.resolve("state.json"), state("10.0.0.5"));
		Files.createSymbolicLink(this.directory.resolve("..data"), first.getFileName());
		Path file = this.directory.resolve("state.json");
		Files.createSymbolicLink(file, Path.of("..data/state.json"));
		startWatching(file, LONG_RECHECK);
		assertThat(masterHost()).isEqualTo("10.0.0.5");
		Path second = Files.createDirectory(this.directory.resolve("..2026_02"));
		write(second.resolve("state.json"), state("10.0.0.7"));
		Path link = Files.createSymbolicLink(this.directory.resolve("..data_tmp"), second.getFileName());
		Files.move(link, this.directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
		await().atMost(Duration.ofSeconds(5)).until(() -> "10.0.0.7".equals(masterHost()));
	}

	@Test
	void invalidFileKeepsTheLastGoodStateAndRecordsTheProblem() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		int published = this.events.size();
		write(file, "{\"version\": 1, \"relations\": [{\"shape\": \"resolved\"");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.watcher.status().problem() != null);
		assertThat(this.watcher.status().problem()).contains(file.toString());
		assertThat(masterHost()).isEqualTo("10.0.0.5");
		assertThat(this.events).hasSize(published);
		write(file, state("10.0.0.5"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.watcher.status().problem() == null);
		assertThat(this.events).hasSize(published);
	}

	@Test
	void emptyFileKeepsTheLastGoodState() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		Files.writeString(file, "");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.watcher.status().problem() != null);
		assertThat(masterHost()).isEqualTo("10.0.0.5");
	}

	@Test
	void periodicRecheckFindsChangesInADirectoryThatDidNotExist() throws IOException {
		Path file = this.directory.resolve("later").resolve("state.json");
		startWatching(file, Duration.ofMillis(50));
		Files.createDirectories(file.getParent());
		write(file, state("10.0.0.5"));
		await().atMost(Duration.ofSeconds(5)).until(() -> "10.0.0.5".equals(masterHost()));
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aChangeIsLoggedOnceTheLibrarysListenersAppliedIt(CapturedOutput output) throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		List<Boolean> loggedWhenApplied = new CopyOnWriteArrayList<>();
		this.watcher.subscribe((snapshot) -> loggedWhenApplied.add(output.getOut().contains("10.0.0.6:5432")));
		write(file, state("10.0.0.6"));
		this.watcher.refresh();
		assertThat(loggedWhenApplied).containsExactly(false, false);
		assertThat(output.getOut()).contains("Relation on endpoint 'db': ready").contains("master 10.0.0.6:5432");
	}

	@Test
	void sameContentPublishesNothing() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		int published = this.events.size();
		write(file, state("10.0.0.5"));
		this.watcher.refresh();
		assertThat(this.events).hasSize(published);
	}

	@Test
	void closeStopsTheWatchingThread() throws IOException {
		Path file = write(this.directory.resolve("state.json"), state("10.0.0.5"));
		startWatching(file, LONG_RECHECK);
		this.watcher.close();
		assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
			.noneMatch((name) -> name.startsWith("pgsql-relation-watcher"));
	}

	private void startWatching(Path file, Duration recheck) {
		this.watcher = watcher(file, recheck);
		this.watcher.load();
		this.watcher.start();
	}

	private RelationStateWatcher watcher(Path file, Duration recheck) {
		return new RelationStateWatcher(RelationStateWatcher.Settings.of(file, "db").withRecheckInterval(recheck),
				this.events::add);
	}

	private String masterHost() {
		RelationSnapshot effective = this.watcher.current();
		return (effective.master() != null) ? effective.master().get("host") : null;
	}

	private static String state(String masterHost) {
		return """
				{"version": 1, "relations": [{"shape": "resolved", "endpoint": "db", "relation-id": 7,
				 "remote-app": "postgresql", "database": "app",
				 "master": "dbname=app host=%s port=5432 user=relation-7 password=s3cret"}]}
				""".formatted(masterHost);
	}

	private static Path write(Path file, String content) throws IOException {
		Path temporary = Files.createTempFile(file.getParent(), ".state", ".tmp");
		Files.writeString(temporary, content, StandardCharsets.UTF_8);
		return Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
