package io.github.pgsqlrelation.relation;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Follows a relation state file and publishes the {@code pgsql} events of one endpoint
 * whenever its content changes.
 * <p>
 * File system notifications on the file's directory (and, when the file is a symlink, on
 * the directory of its target, as in Kubernetes volumes) pick up changes within
 * milliseconds; a periodic re-check is the safety net for notifications that never come
 * (network file systems, a directory that does not exist yet). Written on top of the
 * JDK's {@link WatchService} because Spring Boot's own file watcher is not public API.
 * <p>
 * A file that cannot be read, does not follow the contract or breaks the
 * {@link StateFilePolicy} (too large, readable by others when private files are required)
 * never replaces the last good state: the problem is kept in {@link #status()} and logged
 * once per distinct message (again only after a minute without it), so that a file
 * flapping between good and bad content does not flood the log.
 */
public final class RelationStateWatcher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RelationStateWatcher.class);

	/**
	 * Events often come in bursts (write, then rename): wait this long for the burst to
	 * end.
	 */
	private static final long QUIET_PERIOD_MILLIS = 15;

	/**
	 * A file rewritten without pause is read at least this often all the same.
	 */
	private static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private final Path file;

	private final String endpoint;

	private final @Nullable String expectedDatabase;

	private final Duration recheckInterval;

	private final Consumer<RelationEvent> publisher;

	private final Clock clock;

	private final RefreshListener refreshListener;

	private final StateFilePolicy policy;

	private final RecentProblems recentProblems = new RecentProblems();

	private final Object refreshLock = new Object();

	private volatile RelationStateStatus status;

	private byte @Nullable [] lastContent;

	/** The problem in force, {@code null} when the last read was good. */
	private @Nullable String problemInForce;

	/** Whether the problem in force was reported (it is not when seen lately). */
	private boolean problemInForceReported;

	/** The permission warning last logged, {@code null} once the file is private. */
	private @Nullable String lastPermissionWarning;

	private @Nullable Thread thread;

	private @Nullable WatchService watchService;

	private final Map<Path, WatchKey> watchedDirectories = new HashMap<>();

	private final List<RelationEvent> pendingEvents = new ArrayList<>();

	private boolean started;

	public RelationStateWatcher(Path file, String endpoint, @Nullable String expectedDatabase, Duration recheckInterval,
			Consumer<RelationEvent> publisher) {
		this(file, endpoint, expectedDatabase, recheckInterval, publisher, RefreshListener.NONE);
	}

	/**
	 * Creates a watcher whose refreshes and problems are observed, e.g. for metrics.
	 * @param file the state file
	 * @param endpoint the relation endpoint, e.g. {@code db}
	 * @param expectedDatabase the database the application expects, {@code null} for any
	 * @param recheckInterval the interval of the periodic re-check
	 * @param publisher receives the relation's events
	 * @param refreshListener observes refreshes and problems with the file
	 */
	public RelationStateWatcher(Path file, String endpoint, @Nullable String expectedDatabase, Duration recheckInterval,
			Consumer<RelationEvent> publisher, RefreshListener refreshListener) {
		this(file, endpoint, expectedDatabase, recheckInterval, publisher, refreshListener, StateFilePolicy.DEFAULT);
	}

	/**
	 * Creates a watcher whose refreshes and problems are observed and that applies the
	 * given policy to the file.
	 * @param file the state file
	 * @param endpoint the relation endpoint, e.g. {@code db}
	 * @param expectedDatabase the database the application expects, {@code null} for any
	 * @param recheckInterval the interval of the periodic re-check
	 * @param publisher receives the relation's events
	 * @param refreshListener observes refreshes and problems with the file
	 * @param policy the size limit and whether the file must be private
	 */
	public RelationStateWatcher(Path file, String endpoint, @Nullable String expectedDatabase, Duration recheckInterval,
			Consumer<RelationEvent> publisher, RefreshListener refreshListener, StateFilePolicy policy) {
		this(file, endpoint, expectedDatabase, recheckInterval, publisher, refreshListener, policy, Clock.systemUTC());
	}

	RelationStateWatcher(Path file, String endpoint, @Nullable String expectedDatabase, Duration recheckInterval,
			Consumer<RelationEvent> publisher, RefreshListener refreshListener, StateFilePolicy policy, Clock clock) {
		this.file = file.toAbsolutePath().normalize();
		this.endpoint = endpoint;
		this.expectedDatabase = expectedDatabase;
		this.recheckInterval = recheckInterval;
		this.publisher = publisher;
		this.clock = clock;
		this.refreshListener = refreshListener;
		this.policy = policy;
		this.status = RelationStateStatus
			.initial(EndpointState.none(endpoint, "relation state file " + this.file + " has not been read yet"));
	}

	/** Returns the file this watcher follows. */
	public Path file() {
		return this.file;
	}

	/** Returns the current state and what is known about the file. */
	public RelationStateStatus status() {
		return this.status;
	}

	/**
	 * Reads the file now, without publishing anything yet: the events wait for
	 * {@link #start()}. Called once at start-up, before anyone listens, so that the state
	 * is in force for the application's own initialization.
	 */
	public void load() {
		synchronized (this.refreshLock) {
			List<RelationEvent> events = read();
			if (events != null) {
				this.pendingEvents.addAll(events);
			}
		}
	}

	/** Re-reads the file and publishes the events of any change. */
	public void refresh() {
		synchronized (this.refreshLock) {
			long started = System.nanoTime();
			List<RelationEvent> events = read();
			if (events != null) {
				events.forEach(this::publish);
				this.refreshListener.refreshed(Duration.ofNanos(System.nanoTime() - started), !events.isEmpty());
			}
		}
	}

	/**
	 * Publishes the events of what {@link #load()} read, then starts following the file.
	 */
	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		synchronized (this.refreshLock) {
			// Listeners are told from now on; a problem load() found is theirs too.
			this.started = true;
			this.pendingEvents.forEach(this::publish);
			this.pendingEvents.clear();
			String problem = this.status.problem();
			if (problem != null) {
				this.refreshListener.problem(problem);
			}
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
		Thread watching = new Thread(this::watch, "pgsql-relation-watcher-" + this.endpoint);
		watching.setDaemon(true);
		watching.start();
		this.thread = watching;
	}

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
		// A change between load() and the registration of the directories would go
		// unnoticed.
		refresh();
		while (!Thread.currentThread().isInterrupted()) {
			try {
				awaitChangeOrRecheck();
				refresh();
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
			return;
		}
		registerDirectories(service);
		WatchKey key = service.poll(this.recheckInterval.toMillis(), TimeUnit.MILLISECONDS);
		long burstStart = System.nanoTime();
		while (key != null) {
			key.pollEvents();
			key.reset();
			if (System.nanoTime() - burstStart > MAX_BURST_NANOS) {
				return;
			}
			key = service.poll(QUIET_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	// Watching directories rather than the file follows atomic renames and symlink swaps.
	private void registerDirectories(WatchService service) {
		registerDirectory(service, this.file.getParent());
		try {
			Path target = this.file.toRealPath();
			registerDirectory(service, target.getParent());
		}
		catch (IOException ex) {
			// The file does not exist (yet): its directory is watched, which is enough to
			// see it come.
		}
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

	/**
	 * Returns the events of new content, {@code null} when the content is unchanged or
	 * unusable.
	 */
	private @Nullable List<RelationEvent> read() {
		StateFileContent content;
		try {
			content = StateFileLoader.load(this.file, this.policy.maxSize());
		}
		catch (IOException ex) {
			problem(RelationStateProblems.describe(this.file, ex));
			return null;
		}
		catch (RelationStateException ex) {
			problem(ex.getMessage());
			return null;
		}
		if (content.permissions() != null && !permitted(content.permissions())) {
			return null;
		}
		if (this.lastContent != null && Arrays.equals(content.bytes(), this.lastContent)) {
			recovered();
			return null;
		}
		EndpointState next;
		try {
			next = RelationState.parse(content.text(), this.file.toString())
				.endpoint(this.endpoint, this.expectedDatabase);
		}
		catch (RelationStateException ex) {
			problem(ex.getMessage());
			return null;
		}
		catch (RuntimeException ex) {
			// Whatever the file holds, the watcher keeps the last good state and keeps
			// going. The exception's message may quote the content: it is not shown.
			problem("Relation state file " + this.file + " could not be read: unexpected " + ex.getClass().getName());
			return null;
		}
		this.lastContent = content.bytes();
		this.problemInForce = null;
		RelationStateStatus previous = this.status;
		List<RelationEvent> events = RelationEvents.between(previous.state(), next);
		this.status = previous.changedTo(next, events.isEmpty() ? previous.lastChange() : this.clock.instant());
		if (!events.isEmpty()) {
			logger.info(RelationChangeDescription.describe(previous.state(), next));
		}
		return events;
	}

	/**
	 * Checks who may read the file: a private file passes; any other passes with a
	 * warning (once per distinct mode), or is refused when the policy requires a private
	 * file.
	 */
	private boolean permitted(Set<PosixFilePermission> permissions) {
		String readableBy = StateFilePermissions.readableBy(permissions);
		if (readableBy == null) {
			this.lastPermissionWarning = null;
			return true;
		}
		if (this.policy.requirePrivate()) {
			problem(StateFilePermissions.refusal(this.file, permissions, readableBy));
			return false;
		}
		String warning = StateFilePermissions.warning(this.file, permissions, readableBy);
		if (!warning.equals(this.lastPermissionWarning)) {
			this.lastPermissionWarning = warning;
			logger.warn(warning);
		}
		return true;
	}

	private void problem(String message) {
		RelationStateStatus current = this.status;
		Instant now = this.clock.instant();
		// Until a good state was read, the problem is also why the relation is not ready.
		EndpointState state = (this.lastContent != null) ? current.state() : EndpointState.none(this.endpoint, message);
		this.status = new RelationStateStatus(state, current.lastChange(), message, now);
		boolean isNew = this.recentProblems.seen(message, now);
		if (!message.equals(this.problemInForce)) {
			this.problemInForce = message;
			this.problemInForceReported = false;
		}
		if (isNew) {
			this.problemInForceReported = true;
			logger.warn(message + (this.lastContent != null ? " (keeping the last good relation state)" : ""));
			if (this.started) {
				this.refreshListener.problem(message);
			}
		}
	}

	private void recovered() {
		if (this.problemInForce != null) {
			if (this.problemInForceReported) {
				logger.info("Relation state file " + this.file + " is readable again, unchanged");
			}
			this.problemInForce = null;
			this.status = this.status.changedTo(this.status.state(), this.status.lastChange());
		}
	}

	private void publish(RelationEvent event) {
		try {
			this.publisher.accept(event);
		}
		catch (RuntimeException ex) {
			logger.error("A listener of " + event.getClass().getSimpleName() + " failed", ex);
		}
	}

	/**
	 * Observes the watcher, e.g. for metrics. Called on the watching thread.
	 */
	public interface RefreshListener {

		/** A listener that does nothing. */
		RefreshListener NONE = new RefreshListener() {
		};

		/**
		 * New content was read and its events published.
		 * @param took how long reading, checking and publishing took
		 * @param changed whether the relation changed (else only the file did)
		 */
		default void refreshed(Duration took, boolean changed) {
		}

		/**
		 * A new problem with the file was seen: once per distinct problem, as it is
		 * logged, and again only when it was not seen for a minute.
		 * @param message what is wrong, with the file's name; never a password
		 */
		default void problem(String message) {
		}

	}

	/**
	 * What the watcher knows: the state in force, when it last changed, and the last
	 * problem with the file (cleared by the next good read).
	 *
	 * @param state the endpoint state in force
	 * @param lastChange when the state last changed, {@code null} before the first change
	 * @param problem the last problem reading the file, {@code null} when the last read
	 * was good
	 * @param problemTime when the problem was seen
	 */
	public record RelationStateStatus(EndpointState state, @Nullable Instant lastChange, @Nullable String problem,
			@Nullable Instant problemTime) {

		static RelationStateStatus initial(EndpointState state) {
			return new RelationStateStatus(state, null, null, null);
		}

		RelationStateStatus changedTo(EndpointState next, @Nullable Instant changeTime) {
			return new RelationStateStatus(next, changeTime, null, null);
		}

	}

}
