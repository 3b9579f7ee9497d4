package io.github.pgsqlrelation.autoconfigure.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client threads running read-write and read-only Spring transactions through the
 * application's DataSource until stopped, counting what succeeded, what failed (and how),
 * where reads ran, which writes were acknowledged, and how long the slowest call took.
 * Keeps counters, not a record per call, so that a long run holds no more memory at its
 * end than at its start (bar one bit per acknowledged write).
 */
final class ClientLoad implements AutoCloseable {

	private static final int MAX_DISTINCT_FAILURES = 40;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate writes;

	private final TransactionTemplate reads;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicBoolean held = new AtomicBoolean();

	private final AtomicLong ids = new AtomicLong();

	private final BitSet acknowledged = new BitSet();

	private final AtomicLong writesSucceeded = new AtomicLong();

	private final AtomicLong writesFailed = new AtomicLong();

	private final AtomicLong readsSucceeded = new AtomicLong();

	private final AtomicLong readsFailed = new AtomicLong();

	private final LongAccumulator slowestCall = new LongAccumulator(Math::max, 0);

	private final Map<Integer, AtomicLong> readsByPort = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

	private final AtomicLongArray callStarted;

	private final ExecutorService executor;

	private final List<Future<?>> workers = new ArrayList<>();

	ClientLoad(ConfigurableApplicationContext context, int writers, int readers) {
		this.jdbc = context.getBean(JdbcTemplate.class);
		PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
		this.writes = new TransactionTemplate(transactions);
		this.reads = new TransactionTemplate(transactions);
		this.reads.setReadOnly(true);
		this.callStarted = new AtomicLongArray(writers + readers);
		this.executor = Executors.newFixedThreadPool(writers + readers);
		for (int i = 0; i < writers + readers; i++) {
			int worker = i;
			boolean writer = i < writers;
			this.workers.add(this.executor.submit(() -> run(worker, writer)));
		}
	}

	private void run(int worker, boolean writer) {
		while (this.running.get()) {
			if (this.held.get()) {
				pause();
				continue;
			}
			long started = System.nanoTime();
			this.callStarted.set(worker, started);
			try {
				if (writer) {
					write();
				}
				else {
					read();
				}
			}
			catch (RuntimeException ex) {
				(writer ? this.writesFailed : this.readsFailed).incrementAndGet();
				recordFailure(writer, ex);
				pause();
			}
			finally {
				this.callStarted.set(worker, 0);
				this.slowestCall.accumulate(System.nanoTime() - started);
			}
		}
	}

	private void write() {
		long id = this.ids.incrementAndGet();
		this.writes.executeWithoutResult((status) -> this.jdbc.update("INSERT INTO item (id) VALUES (?)", id));
		synchronized (this.acknowledged) {
			this.acknowledged.set((int) id);
		}
		this.writesSucceeded.incrementAndGet();
	}

	private void read() {
		Integer port = this.reads.execute((status) -> {
			this.jdbc.queryForObject("SELECT count(*) FROM item WHERE id < 10", Long.class);
			return this.jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
		});
		this.readsByPort.computeIfAbsent(port, (key) -> new AtomicLong()).incrementAndGet();
		this.readsSucceeded.incrementAndGet();
	}

	/** Keeps a failing client from spinning while the backend is gone. */
	private void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void recordFailure(boolean writer, Throwable failure) {
		String summary = (writer ? "write: " : "read: ") + describe(failure);
		AtomicLong count = this.failures.get(summary);
		if (count == null && this.failures.size() >= MAX_DISTINCT_FAILURES) {
			summary = (writer ? "write: " : "read: ") + "(other)";
		}
		this.failures.computeIfAbsent(summary, (key) -> new AtomicLong()).incrementAndGet();
	}

	/** What the application sees: the exception it catches and the root cause. */
	static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
		if (root != failure) {
			text = text + " <- " + root.getClass().getSimpleName() + ": " + root.getMessage();
		}
		// Numbers (durations, pool statistics) would make every failure distinct
		return text.replaceAll("after \\d+ms", "after Nms").replaceAll("\\(total=.*?\\)", "(...)");
	}

	/**
	 * Holds the clients between two calls and waits until none is in a call, so that the
	 * pools stand still while they are compared with what the servers see.
	 */
	void hold() {
		this.held.set(true);
		await().atMost(Duration.ofSeconds(30)).until(this::idle);
	}

	void release() {
		this.held.set(false);
	}

	private boolean idle() {
		for (int i = 0; i < this.callStarted.length(); i++) {
			if (this.callStarted.get(i) != 0) {
				return false;
			}
		}
		return true;
	}

	Counts counts() {
		return new Counts(this.writesSucceeded.get(), this.writesFailed.get(), this.readsSucceeded.get(),
				this.readsFailed.get());
	}

	long readsOn(int port) {
		AtomicLong count = this.readsByPort.get(port);
		return (count != null) ? count.get() : 0;
	}

	Map<String, Long> failures() {
		Map<String, Long> result = new ConcurrentHashMap<>();
		this.failures.forEach((summary, count) -> result.put(summary, count.get()));
		return result;
	}

	/** The longest call so far, finished or still running. */
	Duration slowestCall() {
		long now = System.nanoTime();
		long slowest = this.slowestCall.get();
		for (int i = 0; i < this.callStarted.length(); i++) {
			long started = this.callStarted.get(i);
			if (started != 0) {
				slowest = Math.max(slowest, now - started);
			}
		}
		return Duration.ofNanos(slowest);
	}

	/** The ids of every write whose commit was acknowledged. */
	BitSet acknowledged() {
		synchronized (this.acknowledged) {
			return (BitSet) this.acknowledged.clone();
		}
	}

	void awaitWrites(long more) {
		long target = this.writesSucceeded.get() + more;
		await().atMost(Duration.ofSeconds(30)).until(() -> this.writesSucceeded.get() >= target);
	}

	void awaitReads(long more) {
		long target = this.readsSucceeded.get() + more;
		await().atMost(Duration.ofSeconds(30)).until(() -> this.readsSucceeded.get() >= target);
	}

	/** Stops the clients and checks that every one of them returned within the bound. */
	void stop(Duration bound) throws Exception {
		this.running.set(false);
		for (Future<?> worker : this.workers) {
			worker.get(bound.toMillis(), TimeUnit.MILLISECONDS);
		}
		assertThat(slowestCall()).isLessThan(bound);
	}

	@Override
	public void close() {
		this.running.set(false);
		this.executor.shutdownNow();
	}

	/**
	 * Calls so far.
	 *
	 * @param writesSucceeded committed writes
	 * @param writesFailed writes that threw
	 * @param readsSucceeded read-only transactions that returned
	 * @param readsFailed read-only transactions that threw
	 */
	record Counts(long writesSucceeded, long writesFailed, long readsSucceeded, long readsFailed) {

		Counts since(Counts earlier) {
			return new Counts(this.writesSucceeded - earlier.writesSucceeded, this.writesFailed - earlier.writesFailed,
					this.readsSucceeded - earlier.readsSucceeded, this.readsFailed - earlier.readsFailed);
		}

	}

}
