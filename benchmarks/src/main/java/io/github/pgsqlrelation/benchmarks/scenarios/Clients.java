package io.github.pgsqlrelation.benchmarks.scenarios;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Concurrent clients, each running in turn a read-write transaction that inserts a new id
 * (noted as acknowledged once committed) and a read-only transaction.
 */
final class Clients implements AutoCloseable {

	private static final int MAX_ERRORS = 5;

	private static final long SLOW_NANOS = 2_000_000_000L;

	private final StarterApp.Transactions transactions;

	private final AtomicLong ids;

	private final Set<Long> acknowledged;

	private final int thinkMillis;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong transactionCount = new AtomicLong();

	private final AtomicLong failedWrites = new AtomicLong();

	private final AtomicLong failedReads = new AtomicLong();

	private final AtomicLong slowestNanos = new AtomicLong();

	private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

	private final List<String> slow = new CopyOnWriteArrayList<>();

	private final long origin = System.nanoTime();

	private volatile @Nullable Stop stop;

	private volatile boolean running = true;

	Clients(StarterApp.Transactions transactions, AtomicLong ids, Set<Long> acknowledged, ScenarioSizes sizes) {
		this.transactions = transactions;
		this.ids = ids;
		this.acknowledged = acknowledged;
		this.thinkMillis = sizes.loadThinkMillis();
		for (int i = 0; i < sizes.loadClients(); i++) {
			Thread thread = new Thread(this::loop, "client-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void loop() {
		while (this.running) {
			long id = this.ids.incrementAndGet();
			long start = System.nanoTime();
			Session session = new Session();
			try {
				this.transactions.writeAcked(id, session);
				this.acknowledged.add(id);
			}
			catch (RuntimeException ex) {
				failed(this.failedWrites, "write", ex);
				Stop current = this.stop;
				if (current != null) {
					current.writeFailed(session);
				}
			}

			start = timed(start, "write");
			try {
				this.transactions.read();
			}
			catch (RuntimeException ex) {
				failed(this.failedReads, "read", ex);
			}
			timed(start, "read");
			if (!pause()) {
				return;
			}
		}
	}

	private long timed(long start, String what) {
		long now = System.nanoTime();
		this.transactionCount.incrementAndGet();
		this.slowestNanos.accumulateAndGet(now - start, Math::max);
		if (now - start > SLOW_NANOS && this.slow.size() < MAX_ERRORS) {
			this.slow.add(String.format(Locale.ROOT, "%s of %.0f ms from %.1f s", what, (now - start) / 1e6,
					(start - this.origin) / 1e9));
		}
		return now;
	}

	/** Seconds since the clients started, to place events next to {@link #slow()}. */
	double secondsSinceStart() {
		return (System.nanoTime() - this.origin) / 1e9;
	}

	/** The first transactions slower than 2 s, with when they started. */
	List<String> slow() {
		return List.copyOf(this.slow);
	}

	private void failed(AtomicLong counter, String what, RuntimeException ex) {
		counter.incrementAndGet();
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		String error = what + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
		if (this.errors.size() < MAX_ERRORS || this.errors.containsKey(error)) {
			this.errors.computeIfAbsent(error, (key) -> new LongAdder()).increment();
		}
	}

	private boolean pause() {
		try {
			Thread.sleep(this.thinkMillis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Marks the start of a switchover: its write failures are counted against the most
	 * master connections in use at once from now until the first failure, the most that
	 * can have been in flight when the server ended its sessions.
	 * @param inUse the master pool's connections in use now
	 */
	Stop markStop(IntSupplier inUse) {
		Stop next = new Stop(inUse);
		this.stop = next;
		return next;
	}

	long transactions() {
		return this.transactionCount.get();
	}

	long failedWrites() {
		return this.failedWrites.get();
	}

	long failedReads() {
		return this.failedReads.get();
	}

	double slowestMillis() {
		return this.slowestNanos.get() / 1e6;
	}

	/** The first few distinct errors, each with how often it happened. */
	List<String> errors() {
		return this.errors.entrySet().stream().map((entry) -> entry.getValue().sum() + " x " + entry.getKey()).toList();
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(60_000);
		}
	}

	/** The server session a write took and when, once it took one. */
	private static final class Session implements StarterApp.Transactions.SessionTaken {

		private volatile int pid;

		private volatile long millis;

		@Override
		public void taken(int pid, long millis) {
			this.millis = millis;
			this.pid = pid;
		}

		int pid() {
			return this.pid;
		}

		long millis() {
			return this.millis;
		}

	}

	/** The write failures of one switchover. */
	static final class Stop {

		private static final long SAMPLE_NANOS = 100_000;

		private static final long SAMPLE_LIMIT_NANOS = 20_000_000_000L;

		private final AtomicInteger mostInUse = new AtomicInteger();

		private final LongAdder failed = new LongAdder();

		private volatile boolean failureSeen;

		/** The sessions of the failed writes; a pid of 0 when none was taken. */
		private final Queue<Session> failedSessions = new ConcurrentLinkedQueue<>();

		private volatile Map<Integer, Long> sessionsEnded = Map.of();

		private Stop(IntSupplier inUse) {
			this.mostInUse.set(inUse.getAsInt());
			Thread sampler = new Thread(() -> sample(inUse), "switchover-sampler");
			sampler.setDaemon(true);
			sampler.start();
		}

		private void sample(IntSupplier inUse) {
			long end = System.nanoTime() + SAMPLE_LIMIT_NANOS;
			while (!this.failureSeen && System.nanoTime() - end < 0) {
				this.mostInUse.accumulateAndGet(inUse.getAsInt(), Math::max);
				LockSupport.parkNanos(SAMPLE_NANOS);
			}
		}

		private void writeFailed(Session session) {
			this.failureSeen = true;
			this.failed.increment();
			this.failedSessions.add(session);
		}

		/**
		 * Tells when the stopped server's sessions ended.
		 * @param endedMillis milliseconds since the epoch by backend process id, as the
		 * server logged each session's end
		 */
		void sessionsEnded(Map<Integer, Long> endedMillis) {
			this.sessionsEnded = Map.copyOf(endedMillis);
		}

		/**
		 * Failed writes that took a session the server had ended already: in a later
		 * millisecond than the server logged that session's end. Each of them took a
		 * stale pooled connection; the others were in flight when the server ended their
		 * session, or took it before its backend had exited.
		 */
		long failedOnEndedSessions() {
			Map<Integer, Long> ended = this.sessionsEnded;
			return this.failedSessions.stream().filter((session) -> {
				Long end = ended.get(session.pid());
				return end != null && session.millis() > end;
			}).count();
		}

		/**
		 * The most master connections in use at once from the start of the switchover to
		 * its first failed write (sampled every 0.1 ms): an upper bound of the write
		 * transactions in flight when the server ended its sessions.
		 */
		int inFlight() {
			return this.mostInUse.get();
		}

		/** Failed writes since the stop. */
		long failed() {
			return this.failed.sum();
		}

	}

}
