package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The floor of scenario 2's "rename to change applied": the least an application must do
 * between the rename of a state file and a pool for the backend it names, written without
 * the starter. A thread of its own waits on the JDK's {@link WatchService} for the file's
 * directory, reads the file, parses it with Jackson's streaming parser token by token,
 * and makes a HikariCP pool as any application would (HikariCP's own threads, no idle
 * connection, nothing connects), then closes the previous one. It checks nothing.
 * <p>
 * It watches a directory of its own, so that the starter's watcher is not woken by its
 * renames, and runs in the scenario's JVM, so that it competes for the same cores.
 */
final class AppliedFloor implements AutoCloseable {

	private static final long TIMEOUT_SECONDS = 10;

	private final Path file;

	private final HikariConfig template;

	private final WatchService watchService;

	private final Thread thread;

	private final BlockingQueue<Applied> applied = new LinkedBlockingQueue<>();

	private @Nullable HikariDataSource pool;

	private volatile @Nullable RuntimeException failure;

	/**
	 * @param file the file to follow, in a directory no one else writes to
	 * @param template the pool settings; every pool gets a copy
	 */
	AppliedFloor(Path file, HikariConfig template) throws IOException {
		this.file = file;
		this.template = template;
		this.watchService = file.getFileSystem().newWatchService();
		file.getParent()
			.register(this.watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
		this.thread = new Thread(this::watch, "applied-floor");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Waits for the floor to have applied the file's next change.
	 * @return when it read the file and when it made the pool
	 * @throws IllegalStateException when it was not made within 10 s
	 */
	Applied awaitApplied() throws InterruptedException {
		Applied at = this.applied.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (at == null) {
			throw new IllegalStateException(
					"The floor did not apply a rename of " + this.file + " within " + TIMEOUT_SECONDS + " s",
					this.failure);
		}
		return at;
	}

	/** Forgets what was applied and not awaited, before the next rename. */
	void clear() {
		this.applied.clear();
	}

	/** Whether the floor applied a change not yet awaited. */
	boolean hasApplied() {
		return !this.applied.isEmpty();
	}

	private void watch() {
		try {
			while (true) {
				WatchKey key = this.watchService.take();
				boolean ours = false;
				for (WatchEvent<?> event : key.pollEvents()) {
					ours |= event.kind() == StandardWatchEventKinds.OVERFLOW
							|| this.file.getFileName().equals(event.context());
				}
				key.reset();
				if (ours) {
					apply();
				}
			}
		}
		catch (InterruptedException | ClosedWatchServiceException ex) {
			// Closed.
		}
		catch (RuntimeException ex) {
			// Reported by the next awaitApplied().
			this.failure = ex;
		}
	}

	private void apply() {
		int tokens = 0;
		try (JsonParser parser = JsonFactory.builder()
			.build()
			.createParser(ObjectReadContext.empty(), Files.readAllBytes(this.file))) {
			while (parser.nextToken() != null) {
				tokens++;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (tokens == 0) {
			throw new IllegalStateException("Empty state file " + this.file);
		}
		long parsed = System.nanoTime();
		HikariConfig config = new HikariConfig();
		this.template.copyStateTo(config);
		HikariDataSource previous = this.pool;
		this.pool = new HikariDataSource(config);
		this.applied.add(new Applied(parsed, System.nanoTime()));
		if (previous != null) {
			previous.close();
		}
	}

	/**
	 * When the floor applied a change.
	 *
	 * @param parsed {@link System#nanoTime()} when it had read and parsed the file
	 * @param pooled {@link System#nanoTime()} when it had made the new pool
	 */
	record Applied(long parsed, long pooled) {

	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.watchService.close();
		this.thread.interrupt();
		this.thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
		if (this.pool != null) {
			this.pool.close();
		}
	}

}
