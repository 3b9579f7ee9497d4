package io.github.pgsqlrelation.relation.statefile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationListener;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.RelationStateException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Follows a relation state file and hands every change of one endpoint's relation on, in
 * a fixed order: first to the {@link RelationListener listeners} of the library (the
 * routing, readiness), then, as events, to the application.
 * <p>
 * A {@link FileWatcher} says when the file may have changed, the {@link StateFileLoader}
 * reads it defensively, and a {@link RelationTracker} turns the bytes into the state in
 * force and its events. A file that cannot be read, does not follow the contract or
 * breaks the {@link StateFilePolicy} never replaces the last good state: the problem is
 * kept in {@link #status()} and logged once per distinct message.
 */
public final class RelationStateWatcher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RelationStateWatcher.class);

	private final Settings settings;

	private final Path file;

	private final Consumer<RelationEvent> publisher;

	private final RefreshListener refreshListener;

	private final RelationTracker tracker;

	private final FileWatcher fileWatcher;

	private final List<RelationListener> listeners = new CopyOnWriteArrayList<>();

	private final Object refreshLock = new Object();

	private final List<RelationEvent> pendingEvents = new ArrayList<>();

	private volatile RelationStatus status;

	private boolean started;

	/**
	 * Creates a watcher; nothing is read before {@link #load()} or {@link #start()}.
	 * @param settings which file and endpoint, and how
	 * @param publisher receives the relation's events, after the listeners applied them
	 */
	public RelationStateWatcher(Settings settings, Consumer<RelationEvent> publisher) {
		this(settings, publisher, RefreshListener.NONE);
	}

	/**
	 * Creates a watcher whose refreshes and problems are observed, e.g. for metrics.
	 * @param settings which file and endpoint, and how
	 * @param publisher receives the relation's events, after the listeners applied them
	 * @param refreshListener observes refreshes and problems with the file
	 */
	public RelationStateWatcher(Settings settings, Consumer<RelationEvent> publisher, RefreshListener refreshListener) {
		this(settings, publisher, refreshListener, Clock.systemUTC());
	}

	RelationStateWatcher(Settings settings, Consumer<RelationEvent> publisher, RefreshListener refreshListener,
			Clock clock) {
		this.settings = settings;
		this.file = settings.file().toAbsolutePath().normalize();
		this.publisher = publisher;
		this.refreshListener = refreshListener;
		this.tracker = new RelationTracker(this.file, settings.endpoint(), settings.database(),
				settings.policy().requirePrivate(), clock);
		this.status = this.tracker.status();
		this.fileWatcher = new FileWatcher(this.file, settings.recheckInterval(),
				"pgsql-relation-watcher-" + settings.endpoint(), this::changed);
	}

	/** Returns the file this watcher follows, absolute. */
	public Path file() {
		return this.file;
	}

	/** Returns the settings this watcher was created with. */
	public Settings settings() {
		return this.settings;
	}

	/** Returns what is known now: the relations in force, last change, last problem. */
	public RelationStatus status() {
		return this.status;
	}

	/**
	 * Returns what the endpoint hands out now: the master, the standbys, and whether it
	 * is ready and why not.
	 */
	public RelationSnapshot current() {
		return this.status.effective();
	}

	/**
	 * Adds a listener of the library's own and hands it the current snapshot at once, so
	 * that it never misses nor reorders a change. Listeners are called in the order they
	 * subscribed, on the watching thread, before the change's events are published.
	 * @param listener the listener
	 * @throws RuntimeException what the listener threw on the current snapshot; it is
	 * then not added. What it throws on a later change is logged, and the other listeners
	 * and the events still follow.
	 */
	public void subscribe(RelationListener listener) {
		synchronized (this.refreshLock) {
			listener.relationChanged(current());
			this.listeners.add(listener);
		}
	}

	/**
	 * Reads the file now, without publishing events yet: they wait for {@link #start()}.
	 * Called once at start-up, before the application listens, so that the state is in
	 * force (for subscribed listeners) during the application's own initialization.
	 */
	public void load() {
		synchronized (this.refreshLock) {
			RelationTracker.Update update = Objects.requireNonNull(read(false));
			apply(update);
			this.pendingEvents.addAll(update.events());
		}
	}

	/**
	 * Re-reads the file; a change reaches the listeners, then the events are published.
	 */
	public void refresh() {
		refresh(false);
	}

	/**
	 * Reads the file when the {@link FileWatcher} says so.
	 * @return {@code false} when a file just replaced was not usable: nothing was taken
	 * from it (it may still be written in place), and it is to be read again once quiet
	 */
	boolean changed(FileWatcher.Trigger trigger) {
		return refresh(trigger == FileWatcher.Trigger.REPLACED);
	}

	/**
	 * Reads the file; a change reaches the listeners, then the events are published.
	 * @param tentative whether the file may be incomplete, so that a problem with it is
	 * not recorded: a file created in place may be empty or half written when its
	 * creation is noticed
	 * @return {@code false} when the read was tentative and the file not usable
	 */
	private boolean refresh(boolean tentative) {
		synchronized (this.refreshLock) {
			long startTime = System.nanoTime();
			RelationTracker.@Nullable Update update = read(tentative);
			if (update == null) {
				return false;
			}
			apply(update);
			if (this.started) {
				update.events().forEach(this::publish);
			}
			else {
				// The application is not told before start(): its events queue behind
				// those of load(), so that it never hears of an older state last.
				this.pendingEvents.addAll(update.events());
			}
			if (update.reportedProblem() != null && this.started) {
				this.refreshListener.problem(update.reportedProblem());
			}
			if (update.newContent()) {
				this.refreshListener.refreshed(Duration.ofNanos(System.nanoTime() - startTime),
						!update.events().isEmpty());
			}
			return true;
		}
	}

	/**
	 * Publishes the events of what {@link #load()} read, then starts following the file.
	 */
	public void start() {
		synchronized (this.refreshLock) {
			if (this.started) {
				return;
			}
			// Application listeners are told from now on; a problem load() found is
			// theirs too.
			this.started = true;
			this.pendingEvents.forEach(this::publish);
			this.pendingEvents.clear();
			String problem = this.status.problem();
			if (problem != null) {
				this.refreshListener.problem(problem);
			}
		}
		this.fileWatcher.start();
	}

	/** Stops following the file. Idempotent. */
	@Override
	public void close() {
		this.fileWatcher.close();
	}

	/**
	 * Reads the file.
	 * @return what changed; {@code null} when the read was tentative and the file not
	 * usable, nothing recorded
	 */
	private RelationTracker.@Nullable Update read(boolean tentative) {
		StateFileContent content;
		try {
			content = StateFileLoader.load(this.file, this.settings.policy().maxSize());
		}
		catch (IOException ex) {
			return tentative ? null : this.tracker.failed(StateFileProblems.describe(this.file, ex));
		}
		catch (RelationStateException ex) {
			return tentative ? null : this.tracker.failed(ex.getMessage());
		}
		return tentative ? this.tracker.readTentatively(content) : this.tracker.read(content);
	}

	private void apply(RelationTracker.Update update) {
		this.status = this.tracker.status();
		if (!update.events().isEmpty()) {
			RelationSnapshot snapshot = current();
			for (RelationListener listener : this.listeners) {
				try {
					listener.relationChanged(snapshot);
				}
				catch (RuntimeException ex) {
					logger.error("Applying the relation change in " + listener + " failed", ex);
				}
			}
		}
		this.tracker.logChange(update);
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
	 * Which state file a watcher follows, for which endpoint, and how.
	 *
	 * @param file the state file
	 * @param endpoint the relation endpoint, e.g. {@code db}
	 * @param database the database the application expects, {@code null} for any
	 * @param recheckInterval the longest time between two reads, the safety net for file
	 * system notifications that never come
	 * @param policy the size limit and whether the file must be private
	 */
	public record Settings(Path file, String endpoint, @Nullable String database, Duration recheckInterval,
			StateFilePolicy policy) {

		/** The default re-check interval: 5 seconds. */
		public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(5);

		public Settings {
			Objects.requireNonNull(file, "file");
			Objects.requireNonNull(policy, "policy");
			if (endpoint.isBlank()) {
				throw new IllegalArgumentException("endpoint must not be blank");
			}
			if (recheckInterval.isNegative() || recheckInterval.isZero()) {
				throw new IllegalArgumentException("recheckInterval must be positive, was " + recheckInterval);
			}
		}

		/**
		 * Returns the settings for a file and endpoint: any database, a re-check every 5
		 * seconds, the default policy.
		 */
		public static Settings of(Path file, String endpoint) {
			return new Settings(file, endpoint, null, DEFAULT_RECHECK_INTERVAL, StateFilePolicy.DEFAULT);
		}

		public Settings withDatabase(@Nullable String database) {
			return new Settings(this.file, this.endpoint, database, this.recheckInterval, this.policy);
		}

		public Settings withRecheckInterval(Duration recheckInterval) {
			return new Settings(this.file, this.endpoint, this.database, recheckInterval, this.policy);
		}

		public Settings withPolicy(StateFilePolicy policy) {
			return new Settings(this.file, this.endpoint, this.database, this.recheckInterval, policy);
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
		 * New content was read, applied and its events published.
		 * @param took how long reading, checking, applying and publishing took
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

}
