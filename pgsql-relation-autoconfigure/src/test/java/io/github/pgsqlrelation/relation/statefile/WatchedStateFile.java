package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A state file in a test directory and the watcher that follows it, recording every
 * event, refresh and reported problem.
 */
final class WatchedStateFile implements AutoCloseable {

	static final Duration LONG_RECHECK = Duration.ofMinutes(10);

	final Path file;

	final List<RelationEvent> events = new CopyOnWriteArrayList<>();

	final List<String> problems = new CopyOnWriteArrayList<>();

	final AtomicInteger refreshes = new AtomicInteger();

	private @Nullable RelationStateWatcher watcher;

	WatchedStateFile(Path file) {
		this.file = file;
	}

	/** Starts a watcher with the default policy, re-checking rarely. */
	RelationStateWatcher start() {
		return start(StateFilePolicy.DEFAULT, LONG_RECHECK, Clock.systemUTC());
	}

	RelationStateWatcher start(StateFilePolicy policy, Duration recheck, Clock clock) {
		RelationStateWatcher started = new RelationStateWatcher(
				RelationStateWatcher.Settings.of(this.file, "db").withRecheckInterval(recheck).withPolicy(policy),
				this.events::add, new RelationStateWatcher.RefreshListener() {

					@Override
					public void refreshed(Duration took, boolean changed) {
						WatchedStateFile.this.refreshes.incrementAndGet();
					}

					@Override
					public void problem(String message) {
						WatchedStateFile.this.problems.add(message);
					}

				}, clock);
		this.watcher = started;
		started.load();
		started.start();
		return started;
	}

	RelationStateWatcher watcher() {
		if (this.watcher == null) {
			throw new IllegalStateException("Not started");
		}
		return this.watcher;
	}

	@Nullable String masterHost() {
		RelationSnapshot effective = watcher().current();
		return (effective.master() != null) ? effective.master().get("host") : null;
	}

	@Nullable String problem() {
		return watcher().status().problem();
	}

	void awaitMaster(String host) {
		await().atMost(Duration.ofSeconds(10)).until(() -> host.equals(masterHost()) && problem() == null);
	}

	void awaitProblem() {
		await().atMost(Duration.ofSeconds(10)).until(() -> problem() != null);
	}

	/** Refreshes a few times, as notifications and re-checks would. */
	void refreshRepeatedly() {
		for (int i = 0; i < 3; i++) {
			watcher().refresh();
		}
	}

	/** Writes a good state whose master is the given host, atomically and privately. */
	void writeGood(String masterHost) {
		write(state(masterHost));
	}

	void write(String content) {
		write(content.getBytes(StandardCharsets.UTF_8));
	}

	/** Writes atomically, as the contract asks: temporary file, then rename. */
	void write(byte[] content) {
		write(content, "rw-------");
	}

	void write(byte[] content, String permissions) {
		try {
			Path temporary = Files.createTempFile(this.file.getParent(), ".state", ".tmp");
			Files.write(temporary, content);
			Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
			Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String state(String masterHost) {
		return """
				{"version": 1, "relations": [{"shape": "resolved", "endpoint": "db", "relation-id": 7,
				 "remote-app": "postgresql", "database": "app",
				 "master": "dbname=app host=%s port=5432 user=relation-7 password=s3cret"}]}
				""".formatted(masterHost);
	}

	@Override
	public void close() {
		if (this.watcher != null) {
			this.watcher.close();
		}
	}

}
