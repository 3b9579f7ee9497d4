package io.github.pgsqlrelation.relation.statefile;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Calls back whenever a file may have changed, on a thread of its own: at once when the
 * file's name is created in its directory (an atomic rename over it, a symlink swapped
 * under its name: the file is complete), after other file system notifications on the
 * file's directory (and, when the file is a symlink, on the directory of its target, as
 * in Kubernetes volumes) have been quiet for a moment (a file written in place may be
 * half written until then), and at least once per re-check interval, the safety net for
 * notifications that never come (network file systems, a directory that does not exist
 * yet). It knows nothing of what the file holds.
 * <p>
 * Written on the JDK's {@link WatchService}, because Spring Boot's own
 * {@code FileWatcher} (SSL auto-configuration) is package-private, and the core stays
 * free of Spring.
 */
final class FileWatcher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FileWatcher.class);

	/**
	 * A file written in place is reported once its notifications have stopped for this
	 * long, so that it is not read half written.
	 */
	static final Duration QUIET_PERIOD = Duration.ofMillis(15);

	/** A file rewritten without pause is reported at least this often all the same. */
	private static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private final Path file;

	private final Duration recheckInterval;

	private final String threadName;

	private final ChangeHandler onChange;

	private final Map<Path, WatchKey> watchedDirectories = new HashMap<>();

	/** The file and, when it is a symlink, its target: their creation replaces it. */
	private Set<Path> names;

	private @Nullable Thread thread;

	private @Nullable WatchService watchService;

	/**
	 * Creates a watcher; nothing happens before {@link #start()}.
	 * @param file the file, absolute and normalized
	 * @param recheckInterval the longest time between two calls
	 * @param threadName the name of the watching thread
	 * @param onChange called on the watching thread, once right after the start and then
	 * after every change or re-check; must not throw
	 */
	FileWatcher(Path file, Duration recheckInterval, String threadName, ChangeHandler onChange) {
		this.file = file;
		this.recheckInterval = recheckInterval;
		this.threadName = threadName;
		this.onChange = onChange;
		this.names = Set.of(file);
	}

	synchronized void start() {
		if (this.thread != null) {
			return;
		}
		try {
			this.watchService = this.file.getFileSystem().newWatchService();
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.warn("Cannot watch " + this.file + " for changes (" + ex.getMessage() + "); re-checking it every "
					+ this.recheckInterval.toMillis() + " ms");
		}
		if (this.watchService != null) {
			// Before the thread starts, so that no change after this call goes unnoticed.
			registerDirectories(this.watchService);
		}
		Thread watching = new Thread(this::watch, this.threadName);
		watching.setDaemon(true);
		watching.start();
		this.thread = watching;
	}

	/** Stops watching and waits up to 5 s for the thread to end. Idempotent. */
	@Override
	public synchronized void close() {
		Thread watching = this.thread;
		this.thread = null;
		if (watching == null) {
			return;
		}
		watching.interrupt();
		closeWatchService();
		try {
			watching.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void closeWatchService() {
		WatchService service = this.watchService;
		if (service != null) {
			try {
				service.close();
			}
			catch (IOException ex) {
				logger.debug("Closing the watch service of " + this.file + " failed", ex);
			}
		}
	}

	private void watch() {
		// A change between the caller's last read and the registration of the
		// directories would go unnoticed.
		this.onChange.changed(Trigger.SETTLED);
		while (!Thread.currentThread().isInterrupted()) {
			try {
				awaitChangeOrRecheck();
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				return;
			}
			catch (RuntimeException ex) {
				logger.error("Unexpected failure while following " + this.file, ex);
			}
		}
	}

	private void awaitChangeOrRecheck() throws InterruptedException {
		WatchService service = this.watchService;
		if (service == null) {
			Thread.sleep(this.recheckInterval.toMillis());
			this.onChange.changed(Trigger.SETTLED);
			return;
		}
		registerDirectories(service);
		WatchKey key = service.poll(this.recheckInterval.toMillis(), TimeUnit.MILLISECONDS);
		if (key == null) {
			this.onChange.changed(Trigger.SETTLED);
			return;
		}
		Burst burst = new Burst(this.names);
		long burstStart = System.nanoTime();
		while (key != null) {
			boolean replaced = burst.add(key.watchable(), key.pollEvents());
			key.reset();
			if (replaced && !this.onChange.changed(Trigger.REPLACED)) {
				burst.readAgainWhenQuiet();
			}
			if (!burst.needsSettledRead() || System.nanoTime() - burstStart > MAX_BURST_NANOS) {
				break;
			}
			key = service.poll(QUIET_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
		}
		if (burst.needsSettledRead()) {
			this.onChange.changed(Trigger.SETTLED);
		}
	}

	// Watching directories rather than the file follows atomic renames and symlink swaps.
	private void registerDirectories(WatchService service) {
		registerDirectory(service, this.file.getParent());
		Set<Path> names = Set.of(this.file);
		try {
			Path target = this.file.toRealPath();
			registerDirectory(service, target.getParent());
			names = target.equals(this.file) ? names : Set.of(this.file, target);
		}
		catch (IOException ex) {
			// The file does not exist (yet): its directory is watched, which is enough to
			// see it come.
		}
		this.names = names;
		this.watchedDirectories.values().removeIf((key) -> !key.isValid());
	}

	private void registerDirectory(WatchService service, @Nullable Path directory) {
		if (directory == null || this.watchedDirectories.containsKey(directory) || !Files.isDirectory(directory)) {
			return;
		}
		try {
			this.watchedDirectories.put(directory, directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
					StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.debug("Cannot watch " + directory + "; relying on the periodic re-check", ex);
		}
	}

	/** Why the file is to be read. */
	enum Trigger {

		/**
		 * The file's name was just created in its directory: a complete file renamed over
		 * it, or a symlink swapped under it; or a new file created in place, which may
		 * still be empty or half written.
		 */
		REPLACED,

		/**
		 * The start, a re-check, or the end of a burst of other notifications (a file
		 * written in place, a directory symlink swapped): the file is as complete as it
		 * is going to be.
		 */
		SETTLED

	}

	/** Reads the file when told. */
	@FunctionalInterface
	interface ChangeHandler {

		/**
		 * Called on the watching thread; must not throw.
		 * @param trigger why the file is to be read
		 * @return {@code false} when a file read on {@link Trigger#REPLACED} was not
		 * usable (perhaps still being written in place) and nothing was taken from it, so
		 * that it is read again once the notifications have been quiet for a moment
		 */
		boolean changed(Trigger trigger);

	}

}
