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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The floor of scenario 2's "rename to change applied": the least an application must do
 * between the rename of a state file and a pool for the master it names, written without
 * the starter. A thread of its own waits on the JDK's {@link WatchService} for the file's
 * directory, reads the file, parses it with Jackson's streaming parser token by token,
 * takes the master's host, port and database from its connection string, and makes a
 * HikariCP pool for it with the caller's settings, as any application would (HikariCP's
 * own threads; the scenario's settings keep no idle connection, so nothing connects). It
 * checks nothing else and publishes nothing.
 * <p>
 * It watches a directory of its own, so that the starter's watcher is not woken by its
 * renames, and runs in the scenario's JVM, so that it competes for the same cores.
 */
final class AppliedFloor implements AutoCloseable {

	private static final long TIMEOUT_SECONDS = 10;

	/** The keywords the floor needs, unquoted as the scenario writes them. */
	private static final Pattern KEYWORD = Pattern.compile("(?<!\\S)(dbname|host|port)=(\\S+)");

	private final Path file;

	private final HikariConfig template;

	private final JsonFactory json = JsonFactory.builder().build();

	private final WatchService watchService;

	private final Thread thread;

	private final BlockingQueue<Applied> applied = new LinkedBlockingQueue<>();

	private volatile @Nullable HikariDataSource pool;

	private volatile @Nullable RuntimeException failure;

	/**
	 * @param file the file to follow, in a directory no one else writes to
	 * @param template the pool settings but the URL; every pool gets a copy
	 */
	AppliedFloor(Path file, HikariConfig template) throws IOException {
		this.file = file;
		this.template = template;
		this.watchService = file.getFileSystem().newWatchService();
		try {
			file.getParent()
				.register(this.watchService, StandardWatchEventKinds.ENTRY_CREATE,
						StandardWatchEventKinds.ENTRY_MODIFY);
		}
		catch (IOException | RuntimeException ex) {
			this.watchService.close();
			throw ex;
		}
		this.thread = new Thread(this::watch, "applied-floor");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Waits for the floor to have applied the file's next change.
	 * @return when it read the file and when it made the pool
	 * @throws IllegalStateException when it failed, or made no pool within 10 s
	 */
	Applied awaitApplied() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		do {
			RuntimeException failed = this.failure;
			if (failed != null) {
				throw new IllegalStateException("The floor failed on a rename of " + this.file, failed);
			}
			// In short steps, so that a failure is reported at once.
			Applied at = this.applied.poll(10, TimeUnit.MILLISECONDS);
			if (at != null) {
				return at;
			}
		}
		while (System.nanoTime() < deadline);
		throw new IllegalStateException(
				"The floor did not apply a rename of " + this.file + " within " + TIMEOUT_SECONDS + " s");
	}

	/** Whether the floor applied a change not yet awaited, or failed. */
	boolean hasApplied() {
		return !this.applied.isEmpty() || this.failure != null;
	}

	/** Forgets what was applied and not awaited, before the next rename. */
	void clear() {
		this.applied.clear();
	}

	/**
	 * Closes the pool made last, once its time is taken: its housekeeping must not run
	 * while the starter's change is measured.
	 */
	void closePool() {
		HikariDataSource made = this.pool;
		this.pool = null;
		if (made != null) {
			made.close();
		}
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
			// Reported by awaitApplied().
			this.failure = ex;
		}
	}

	private void apply() {
		String master = null;
		try (JsonParser parser = this.json.createParser(ObjectReadContext.empty(), Files.readAllBytes(this.file))) {
			for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
				if (master == null && token == JsonToken.PROPERTY_NAME && parser.currentName().equals("master")) {
					master = parser.nextStringValue();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (master == null) {
			throw new IllegalStateException("No master in the state file " + this.file);
		}
		long parsed = System.nanoTime();
		HikariConfig config = new HikariConfig();
		this.template.copyStateTo(config);
		String url = jdbcUrl(master);
		config.setJdbcUrl(url);
		HikariDataSource previous = this.pool;
		this.pool = new HikariDataSource(config);
		this.applied.add(new Applied(parsed, System.nanoTime(), url));
		if (previous != null) {
			previous.close();
		}
	}

	private static String jdbcUrl(String connectionString) {
		String host = "";
		String port = "";
		String database = "";
		Matcher keyword = KEYWORD.matcher(connectionString);
		while (keyword.find()) {
			switch (keyword.group(1)) {
				case "host" -> host = keyword.group(2);
				case "port" -> port = keyword.group(2);
				default -> database = keyword.group(2);
			}
		}
		return "jdbc:postgresql://" + host + ":" + port + "/" + database;
	}

	/**
	 * When the floor applied a change.
	 *
	 * @param parsed {@link System#nanoTime()} when it had read and parsed the file
	 * @param pooled {@link System#nanoTime()} when it had made the new pool
	 * @param jdbcUrl the new pool's URL
	 */
	record Applied(long parsed, long pooled, String jdbcUrl) {

	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.watchService.close();
		this.thread.interrupt();
		this.thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
		closePool();
	}

}
