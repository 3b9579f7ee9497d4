package io.github.pgsqlrelation.relation.statefile;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Burst}: which notifications make the file be read at once, and which
 * after a quiet period.
 */
class BurstTests {

	private static final Path DIRECTORY = Path.of("/run/app");

	private static final Path FILE = DIRECTORY.resolve("state.json");

	private final Burst burst = new Burst(Set.of(FILE));

	@Test
	void atomicRenameOverTheFileIsReadAtOnceAndNeedsNoSettledRead() {
		assertThat(this.burst.add(DIRECTORY, List.of(created(".state.json.123.tmp"), modified(".state.json.123.tmp"),
				deleted(".state.json.123.tmp"), created("state.json"))))
			.isTrue();
		assertThat(this.burst.needsSettledRead()).isFalse();
	}

	@Test
	void temporaryFileWrittenBeforeTheRenameWaitsForTheRenameOrTheQuietPeriod() {
		assertThat(this.burst.add(DIRECTORY, List.of(created(".state.json.123.tmp"), modified(".state.json.123.tmp"))))
			.isFalse();
		assertThat(this.burst.needsSettledRead()).isTrue();
		assertThat(this.burst.add(DIRECTORY, List.of(deleted(".state.json.123.tmp"), created("state.json")))).isTrue();
		assertThat(this.burst.needsSettledRead()).isFalse();
	}

	@Test
	void writeInPlaceIsReadOnlyWhenQuiet() {
		assertThat(this.burst.add(DIRECTORY, List.of(modified("state.json"), modified("state.json")))).isFalse();
		assertThat(this.burst.needsSettledRead()).isTrue();
	}

	@Test
	void fileCreatedInPlaceIsReadAtOnceAndAgainWhenQuiet() {
		assertThat(this.burst.add(DIRECTORY, List.of(created("state.json"), modified("state.json")))).isTrue();
		assertThat(this.burst.needsSettledRead()).isTrue();
	}

	@Test
	void unusableFileAfterTheRenameIsReadAgainWhenQuiet() {
		assertThat(this.burst.add(DIRECTORY, List.of(created("state.json")))).isTrue();
		this.burst.readAgainWhenQuiet();
		assertThat(this.burst.needsSettledRead()).isTrue();
	}

	@Test
	void sameNameInAnotherDirectoryIsNoReplacement() {
		assertThat(this.burst.add(Path.of("/run/other"), List.of(created("state.json")))).isFalse();
		assertThat(this.burst.needsSettledRead()).isTrue();
	}

	@Test
	void symlinkTargetReplacedInItsOwnDirectoryIsReadAtOnce() {
		Path target = Path.of("/srv/relation/state-3.json");
		Burst linked = new Burst(Set.of(FILE, target));
		assertThat(linked.add(target.getParent(), List.of(created("state-3.json")))).isTrue();
		assertThat(linked.needsSettledRead()).isFalse();
	}

	@Test
	void directorySymlinkSwapLikeKubernetesIsReadWhenQuiet() {
		assertThat(this.burst.add(DIRECTORY, List.of(created("..data_tmp"), deleted("..data_tmp"), created("..data"))))
			.isFalse();
		assertThat(this.burst.needsSettledRead()).isTrue();
	}

	@Test
	void lostNotificationsAreReadWhenQuiet() {
		assertThat(this.burst.add(DIRECTORY,
				List.of(created("state.json"), new Event<>(StandardWatchEventKinds.OVERFLOW, null))))
			.isTrue();
		assertThat(this.burst.needsSettledRead()).isTrue();
	}

	private static WatchEvent<?> created(String name) {
		return new Event<>(StandardWatchEventKinds.ENTRY_CREATE, Path.of(name));
	}

	private static WatchEvent<?> modified(String name) {
		return new Event<>(StandardWatchEventKinds.ENTRY_MODIFY, Path.of(name));
	}

	private static WatchEvent<?> deleted(String name) {
		return new Event<>(StandardWatchEventKinds.ENTRY_DELETE, Path.of(name));
	}

	private record Event<T>(WatchEvent.Kind<T> kind, T context) implements WatchEvent<T> {

		@Override
		public int count() {
			return 1;
		}

	}

}
