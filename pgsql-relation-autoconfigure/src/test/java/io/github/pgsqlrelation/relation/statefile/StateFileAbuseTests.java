package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.RelationStateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A state file under abuse: whatever happens to it, the watcher keeps the last good
 * state, reports each distinct problem once and catches up with the next good content.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateFileAbuseTests {

	@TempDir
	Path directory;

	private WatchedStateFile state;

	@BeforeEach
	void writeGoodState() {
		this.state = new WatchedStateFile(this.directory.resolve("state.json"));
		this.state.writeGood("10.0.0.5");
	}

	@AfterEach
	void stopWatching() {
		this.state.close();
	}

	@ParameterizedTest
	@MethodSource("abuses")
	void abusedFileKeepsTheLastGoodStateReportsOnceAndCatchesUp(Abuse abuse, CapturedOutput output) throws Exception {
		this.state.start();
		abuse.apply(this.state);
		this.state.awaitProblem();
		this.state.refreshRepeatedly();
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		assertThat(this.state.problem()).contains(this.state.file.toString());
		assertThat(this.state.problems).doesNotHaveDuplicates().contains(this.state.problem());
		assertThat(problemLines(output)).hasSameSizeAs(this.state.problems);
		clear(this.state.file);
		this.state.writeGood("10.0.0.6");
		this.state.awaitMaster("10.0.0.6");
		assertThat(this.state.events).filteredOn(MasterChangedEvent.class::isInstance).hasSize(2);
		assertThat(this.state.problem()).isNull();
	}

	static Stream<Named<Abuse>> abuses() {
		return Stream.of(Named.of("missing", (state) -> Files.delete(state.file)),
				Named.of("empty", (state) -> state.write("")),
				Named.of("truncated mid-write, in place",
						(state) -> Files.writeString(state.file, WatchedStateFile.state("10.0.0.9").substring(0, 80),
								StandardCharsets.UTF_8)),
				Named.of("not JSON", (state) -> state.write("relations: none\n")),
				Named.of("JSON of the wrong shape", (state) -> state.write("[{\"version\": 1}]")),
				Named.of("relations of the wrong shape",
						(state) -> state.write("{\"version\": 1, \"relations\": {\"db\": 7}}")),
				Named.of("not UTF-8", (state) -> state.write(new byte[] { '{', (byte) 0xC3, '(', '}' })),
				Named.of("too large", (state) -> state.write(" ".repeat(2 * 1024 * 1024) + "{}")),
				Named.of("huge and sparse (3 GiB)", StateFileAbuseTests::replaceWithSparseFile),
				Named.of("replaced by a directory", (state) -> {
					Files.delete(state.file);
					Files.createDirectory(state.file);
				}), Named.of("replaced by a named pipe", (state) -> {
					Files.delete(state.file);
					run("mkfifo", state.file.toString());
				}), Named.of("a symlink to /dev/zero", (state) -> replaceWithSymlink(state.file, Path.of("/dev/zero"))),
				Named.of("a dangling symlink",
						(state) -> replaceWithSymlink(state.file, Path.of("state-that-never-was.json"))));
	}

	@Test
	void charmStyleSymlinkSwitchToBadAndBackIsFollowed() throws IOException {
		Path good = this.directory.resolve("state-1.json");
		Files.move(this.state.file, good);
		Files.createSymbolicLink(this.state.file, good.getFileName());
		this.state.start();
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		Path bad = Files.writeString(this.directory.resolve("state-2.json"), "{\"version\": 1, \"relat");
		switchSymlink(this.state.file, bad.getFileName());
		this.state.awaitProblem();
		assertThat(this.state.problem()).contains("truncated");
		assertThat(this.state.masterHost()).isEqualTo("10.0.0.5");
		Path next = Files.writeString(this.directory.resolve("state-3.json"), WatchedStateFile.state("10.0.0.7"));
		switchSymlink(this.state.file, next.getFileName());
		this.state.awaitMaster("10.0.0.7");
		assertThat(this.state.problems).hasSize(1);
	}

	@Test
	void boundedReadStopsOneByteAfterTheLimit() {
		CountingEndlessStream endless = new CountingEndlessStream();
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> StateFileLoader.readAtMost(endless, 1000, Path.of("/run/state.json")))
			.withMessageContaining("/run/state.json is too large: more than 1000 bytes");
		assertThat(endless.read).isEqualTo(1001);
	}

	@Test
	void problemThatComesBackWithinAMinuteIsNotReportedAgainButLaterItIs() {
		MutableClock clock = new MutableClock();
		this.state.start(StateFilePolicy.DEFAULT, WatchedStateFile.LONG_RECHECK, clock);
		for (int i = 0; i < 5; i++) {
			this.state.write("not JSON");
			this.state.watcher().refresh();
			this.state.writeGood("10.0.0.5");
			this.state.watcher().refresh();
			clock.advance(Duration.ofSeconds(10));
		}
		assertThat(this.state.problems).hasSize(1);
		clock.advance(Duration.ofSeconds(61));
		this.state.write("not JSON");
		this.state.watcher().refresh();
		assertThat(this.state.problems).hasSize(2);
	}

	@Test
	void fileRewrittenAThousandTimesASecondKeepsServingReportsEachProblemOnceAndCatchesUp(CapturedOutput output)
			throws Exception {
		List<String> goodHosts = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5");
		List<byte[]> good = goodHosts.stream().map((host) -> bytes(WatchedStateFile.state(host))).toList();
		List<byte[]> bad = List.of(bytes(""), bytes("not JSON"), bytes("[]"),
				bytes(WatchedStateFile.state("10.0.0.66").substring(0, 90)), new byte[] { '{', (byte) 0xFF, '}' },
				bytes(" ".repeat(5000) + WatchedStateFile.state("10.0.0.66")));
		this.state.start(new StateFilePolicy(4096, false), Duration.ofMillis(500), Clock.systemUTC());
		AtomicBoolean storming = new AtomicBoolean(true);
		Set<String> servedHosts = ConcurrentHashMap.newKeySet();
		// Every read makes a new status, unless it finds the content in force again.
		Set<RelationStatus> statuses = Collections.newSetFromMap(new IdentityHashMap<>());
		Thread sampler = new Thread(() -> {
			while (storming.get()) {
				servedHosts.add(String.valueOf(this.state.masterHost()));
				statuses.add(this.state.watcher().status());
				LockSupport.parkNanos(200_000);
			}
		});
		sampler.start();
		Random random = new Random(42);
		long writes = 0;
		long start = System.nanoTime();
		long end = start + TimeUnit.SECONDS.toNanos(2);
		for (long next = start; next < end; next += 1_000_000, writes++) {
			List<byte[]> kind = random.nextBoolean() ? good : bad;
			this.state.write(kind.get(random.nextInt(kind.size())));
			LockSupport.parkNanos(next + 1_000_000 - System.nanoTime());
		}
		storming.set(false);
		sampler.join();
		int refreshesDuringStorm = this.state.refreshes.get();
		int readsDuringStorm = statuses.size() - 1;
		this.state.writeGood("10.0.0.7");
		this.state.awaitMaster("10.0.0.7");
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf(
				"%d writes in %.2f s; at least %d reads and %d new states during the storm; %d problems "
						+ "reported%n",
				writes, seconds, readsDuringStorm, refreshesDuringStorm, this.state.problems.size());
		assertThat(servedHosts).isSubsetOf(goodHosts);
		assertThat(readsDuringStorm).as("reads while the file was rewritten").isGreaterThanOrEqualTo(3);
		// A renamed file that cannot be used is reported only once the notifications stop
		// with it still there: in a storm that ends with a good file, there may be none.
		assertThat(this.state.problems).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(bad.size());
		assertThat(problemLines(output)).hasSameSizeAs(this.state.problems);
		MasterChangedEvent last = (MasterChangedEvent) this.state.events.stream()
			.filter(MasterChangedEvent.class::isInstance)
			.reduce((first, second) -> second)
			.orElseThrow();
		assertThat(last.snapshot().master().get("host")).isEqualTo("10.0.0.7");
	}

	private List<String> problemLines(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains(this.state.file.toString())
					&& line.contains("keeping the last good relation state"))
			.toList();
	}

	private static byte[] bytes(String content) {
		return content.getBytes(StandardCharsets.UTF_8);
	}

	private static void clear(Path file) throws IOException {
		if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
			Files.delete(file);
		}
	}

	private static void replaceWithSparseFile(WatchedStateFile state) throws IOException {
		Path temporary = Files.createTempFile(state.file.getParent(), ".huge", ".tmp");
		try (RandomAccessFile file = new RandomAccessFile(temporary.toFile(), "rw")) {
			// Files.readAllBytes would throw OutOfMemoryError on this, killing the
			// thread.
			file.setLength(3L * 1024 * 1024 * 1024);
		}
		Files.move(temporary, state.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private static void replaceWithSymlink(Path file, Path target) throws IOException {
		Path link = Files.createSymbolicLink(file.resolveSibling(".link.tmp"), target);
		Files.move(link, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	// As a charm does: a new link under a temporary name, renamed over the old one.
	private static void switchSymlink(Path link, Path target) throws IOException {
		replaceWithSymlink(link, target);
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).inheritIO().start();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(List.of(command).toString()).isZero();
	}

	@FunctionalInterface
	interface Abuse {

		void apply(WatchedStateFile state) throws Exception;

	}

	private static final class CountingEndlessStream extends InputStream {

		private long read;

		@Override
		public int read() {
			this.read++;
			return ' ';
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			this.read += length;
			return length;
		}

	}

}
