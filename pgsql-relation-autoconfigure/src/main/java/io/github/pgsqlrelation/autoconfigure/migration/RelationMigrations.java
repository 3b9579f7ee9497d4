package io.github.pgsqlrelation.autoconfigure.migration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus.State;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.RelationListener;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Runs the application's schema migrations on the relation's master: at start-up when the
 * relation has a master then, otherwise as soon as one is first available. A run that
 * fails is reported (log, health, endpoint) and tried again at the next change of master.
 * Deferred runs happen on a thread of their own, one tool after the other in the order
 * they were registered, so the relation keeps being followed meanwhile.
 * <p>
 * What counts as "a master is available" is decided in one place,
 * {@link #relationChanged(RelationSnapshot)}, through the same path as the routing: the
 * watcher calls it once the routing {@code DataSource} uses the new master.
 */
public final class RelationMigrations implements RelationListener, DisposableBean {

	private static final Log logger = LogFactory.getLog(RelationMigrations.class);

	private final Clock clock;

	/** Guarded by {@code this}. */
	private final Map<String, Entry> migrations = new LinkedHashMap<>();

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final ExecutorService executor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "pgsql-relation-migrations");
		thread.setDaemon(true);
		return thread;
	});

	/** The relation's master, as last heard; guarded by {@code this}. */
	private @Nullable ConnectionString master;

	/** Whether the relation has a master, as last heard; guarded by {@code this}. */
	private boolean masterAvailable;

	RelationMigrations(@Nullable ConnectionString master, Clock clock) {
		this.master = master;
		this.masterAvailable = master != null;
		this.clock = clock;
	}

	/** Returns where each tool's migrations stand, in registration order. */
	public synchronized List<MigrationStatus> status() {
		return this.migrations.values().stream().map(Entry::status).toList();
	}

	/** Whether every registered migration has succeeded. */
	public synchronized boolean allSucceeded() {
		return this.migrations.values().stream().allMatch((entry) -> entry.status.state() == State.SUCCEEDED);
	}

	/** Whether the relation has a master now. */
	synchronized boolean masterAvailable() {
		return this.masterAvailable;
	}

	/** Calls the listener after every change of a migration's state. */
	void addListener(Runnable listener) {
		this.listeners.add(listener);
	}

	/**
	 * Runs a tool's migrations now, on the calling thread, when the relation has a
	 * master; otherwise defers them until it has one.
	 * @param tool the tool's name, as reported
	 * @param migration the migrations
	 * @throws RuntimeException what the migrations threw when run now, so that the
	 * application fails to start as without the relation
	 */
	void runOrDefer(String tool, Runnable migration) {
		if (register(tool, migration)) {
			run(tool);
		}
	}

	private synchronized boolean register(String tool, Runnable migration) {
		if (this.masterAvailable) {
			this.migrations.put(tool, new Entry(migration, new MigrationStatus(tool, State.RUNNING, null, now())));
			return true;
		}
		this.migrations.put(tool,
				new Entry(migration, new MigrationStatus(tool, State.WAITING_FOR_MASTER, null, now())));
		logger.info(tool + " migrations deferred until the relation hands out a master; the application "
				+ "refuses traffic until they have run");
		return false;
	}

	/**
	 * Runs the migrations still waiting, and those that failed, when the relation hands
	 * out a new master. Called by the state file watcher once the routing uses it, before
	 * the application hears of the change.
	 */
	@Override
	public void relationChanged(RelationSnapshot snapshot) {
		List<String> due = new ArrayList<>();
		synchronized (this) {
			ConnectionString master = snapshot.master();
			boolean changed = !Objects.equals(master, this.master);
			this.master = master;
			this.masterAvailable = master != null;
			if (!this.masterAvailable || !changed) {
				return;
			}
			this.migrations.forEach((tool, entry) -> {
				State state = entry.status.state();
				if (state == State.WAITING_FOR_MASTER || state == State.FAILED) {
					entry.status = new MigrationStatus(tool, State.RUNNING, null, now());
					due.add(tool);
				}
			});
		}
		if (!due.isEmpty()) {
			changed();
			this.executor.execute(() -> due.forEach(this::runDeferred));
		}
	}

	private void runDeferred(String tool) {
		try {
			run(tool);
		}
		catch (RuntimeException ex) {
			// Reported by run(); the next change of master tries again.
		}
	}

	private void run(String tool) {
		Runnable migration;
		synchronized (this) {
			migration = this.migrations.get(tool).migration;
		}
		long started = System.nanoTime();
		try {
			migration.run();
			long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
			logger.info(tool + " migrations ran on the master in " + took + " ms");
			update(tool, State.SUCCEEDED, null);
		}
		catch (RuntimeException ex) {
			String error = describe(ex);
			logger.error(tool + " migrations failed on the master: " + error
					+ "; they run again when the relation's master changes", ex);
			update(tool, State.FAILED, error);
			throw ex;
		}
	}

	private void update(String tool, State state, @Nullable String error) {
		synchronized (this) {
			this.migrations.get(tool).status = new MigrationStatus(tool, state, error, now());
		}
		changed();
	}

	private void changed() {
		this.listeners.forEach(Runnable::run);
	}

	private Instant now() {
		return this.clock.instant();
	}

	/**
	 * Says what failed in one line: the first line of the failure's message and of its
	 * root cause's (the tools wrap the server's error in several layers).
	 */
	static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String top = firstLine(failure);
		String cause = firstLine(root);
		if (root == failure || cause.isEmpty() || top.contains(cause)) {
			return top.isEmpty() ? failure.getClass().getName() : top;
		}
		return top.isEmpty() ? cause : top + ": " + cause;
	}

	private static String firstLine(Throwable failure) {
		String message = failure.getMessage();
		return (message != null) ? message.strip().lines().findFirst().orElse("").strip() : "";
	}

	@Override
	public void destroy() throws InterruptedException {
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

	private static final class Entry {

		private final Runnable migration;

		private MigrationStatus status;

		Entry(Runnable migration, MigrationStatus status) {
			this.migration = migration;
			this.status = status;
		}

		MigrationStatus status() {
			return this.status;
		}

	}

}
