package io.github.pgsqlrelation.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

/**
 * A gentle, steady load: a few writes and read-only transactions per second, each on its
 * own thread so that a write waiting for a new master does not hold up the reads. Waits
 * while the relation hands out no master, and creates its table the first time there is
 * one.
 */
@Component
final class LoadGenerator implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(LoadGenerator.class);

	private static final Duration WRITE_INTERVAL = Duration.ofMillis(400);

	private static final Duration READ_INTERVAL = Duration.ofMillis(200);

	/** How long the first write waits for the new table to reach the standbys. */
	private static final Duration TABLE_REPLICATION_WAIT = Duration.ofSeconds(10);

	/** How far back the page counts who served what. */
	static final Duration RECENT = Duration.ofSeconds(5);

	private final NoteService notes;

	private final RelationRoutingDataSource dataSource;

	private final Traffic writes = new Traffic();

	private final Traffic reads = new Traffic();

	private final AtomicLong sequence = new AtomicLong();

	private volatile boolean enabled;

	private volatile boolean prepared;

	private volatile @Nullable Failure lastFailure;

	private @Nullable ScheduledExecutorService executor;

	LoadGenerator(NoteService notes, RelationRoutingDataSource dataSource,
			@Value("${demo.load.enabled:true}") boolean enabled) {
		this.notes = notes;
		this.dataSource = dataSource;
		this.enabled = enabled;
	}

	boolean isEnabled() {
		return this.enabled;
	}

	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	Traffic writes() {
		return this.writes;
	}

	Traffic reads() {
		return this.reads;
	}

	@Nullable Failure lastFailure() {
		return this.lastFailure;
	}

	@Override
	public synchronized void start() {
		ScheduledExecutorService started = Executors.newScheduledThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "demo-load");
			thread.setDaemon(true);
			return thread;
		});
		started.scheduleWithFixedDelay(
				() -> run(this.writes, () -> this.notes.write("note " + this.sequence.incrementAndGet())), 0,
				WRITE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		started.scheduleWithFixedDelay(() -> run(this.reads, this.notes::read), 0, READ_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
		this.executor = started;
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService running = this.executor;
		this.executor = null;
		if (running != null) {
			running.shutdownNow();
			try {
				running.awaitTermination(15, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	private void run(Traffic traffic, Supplier<NoteService.Served> transaction) {
		if (!this.enabled || this.dataSource.topology().master() == null) {
			return;
		}
		try {
			if (!this.prepared) {
				if (traffic != this.writes) {
					return;
				}
				this.notes.prepare();
				awaitTableOnStandbys();
				this.prepared = true;
			}
			traffic.served(runRetryingOnce(traffic, transaction));
		}
		catch (RuntimeException ex) {
			if (Thread.currentThread().isInterrupted()) {
				return;
			}
			traffic.recordFailure();
			String kind = (traffic == this.writes) ? "write" : "read";
			String message = NestedExceptionUtils.getMostSpecificCause(ex).getMessage();
			this.lastFailure = new Failure(Instant.now(), kind, String.valueOf(message));
			logger.warn("A " + kind + " of the load generator failed: " + message);
		}
	}

	/**
	 * Waits, up to {@link #TABLE_REPLICATION_WAIT}, until read-only transactions find the
	 * new table on every standby: replication is asynchronous, and a read that reached a
	 * standby before it replayed {@code CREATE TABLE} would fail although nothing is
	 * wrong. Reads have not begun yet, so consecutive read-only transactions go round the
	 * standbys in turn.
	 */
	private void awaitTableOnStandbys() {
		long deadline = System.nanoTime() + TABLE_REPLICATION_WAIT.toNanos();
		int backends = Math.max(1, this.dataSource.topology().standbys().size());
		while (System.nanoTime() < deadline) {
			boolean everywhere = true;
			for (int i = 0; i < backends && everywhere; i++) {
				everywhere = tableVisible();
			}
			if (everywhere) {
				return;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		logger.warn("The note table has not reached every standby after " + TABLE_REPLICATION_WAIT.toSeconds()
				+ " s; reads start anyway");
	}

	private boolean tableVisible() {
		try {
			return this.notes.tableVisible();
		}
		catch (RuntimeException ex) {
			// A standby that does not answer is the routing's business: it skips it for
			// reads.
			return false;
		}
	}

	/**
	 * Runs the transaction, and once more if its connection was lost. A connection that
	 * sat in the pool while its server stopped fails on first use (the server said
	 * {@code 57P01} while nobody listened); the pool drops it, and the second attempt
	 * gets a new connection from wherever the master is now. A connection lost while a
	 * commit was on its way may leave the first attempt done: a second note does no harm
	 * here, an application whose writes must not repeat would check before retrying.
	 */
	private static NoteService.Served runRetryingOnce(Traffic traffic, Supplier<NoteService.Served> transaction) {
		try {
			return transaction.get();
		}
		catch (RuntimeException ex) {
			if (!LostConnections.isLostConnection(ex)) {
				throw ex;
			}
			traffic.recordRetry();
			logger.info("Retrying once after a lost connection: "
					+ NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
			return transaction.get();
		}
	}

	/**
	 * What happened to one kind of transaction.
	 */
	static final class Traffic {

		private final AtomicLong succeeded = new AtomicLong();

		private final AtomicLong failed = new AtomicLong();

		private final AtomicLong retried = new AtomicLong();

		private final Deque<NoteService.Served> recent = new ArrayDeque<>();

		private volatile NoteService.@Nullable Served last;

		long succeeded() {
			return this.succeeded.get();
		}

		long failed() {
			return this.failed.get();
		}

		long retried() {
			return this.retried.get();
		}

		NoteService.@Nullable Served last() {
			return this.last;
		}

		/** Returns what was served within {@link #RECENT}, newest first. */
		List<NoteService.Served> recent() {
			synchronized (this.recent) {
				forgetOld();
				return List.copyOf(this.recent);
			}
		}

		void served(NoteService.Served served) {
			this.succeeded.incrementAndGet();
			this.last = served;
			synchronized (this.recent) {
				this.recent.addFirst(served);
				forgetOld();
			}
		}

		void recordRetry() {
			this.retried.incrementAndGet();
		}

		void recordFailure() {
			this.failed.incrementAndGet();
		}

		private void forgetOld() {
			Instant limit = Instant.now().minus(RECENT);
			while (!this.recent.isEmpty() && this.recent.peekLast().time().isBefore(limit)) {
				this.recent.removeLast();
			}
		}

	}

	/**
	 * The last failed transaction.
	 *
	 * @param time when it failed
	 * @param kind {@code write} or {@code read}
	 * @param message why
	 */
	record Failure(Instant time, String kind, String message) {

	}

}
