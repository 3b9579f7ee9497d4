package io.github.pgsqlrelation.benchmarks.scenarios;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A client writing every few milliseconds, which notes when its first write after a given
 * moment commits on a given server.
 */
final class PeriodicWriter implements AutoCloseable {

	private final StarterApp.Transactions transactions;

	private final Thread thread;

	private final AtomicLong failures = new AtomicLong();

	private volatile boolean running = true;

	private volatile long watchFrom = Long.MAX_VALUE;

	private volatile int watchPort = -1;

	private volatile long reached = -1;

	PeriodicWriter(String name, StarterApp.Transactions transactions) {
		this.transactions = transactions;
		this.thread = new Thread(this::loop, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Starts watching for the first write on the port that ends after now. */
	long watch(int port) {
		this.reached = -1;
		this.watchPort = port;
		this.failures.set(0);
		long now = System.nanoTime();
		this.watchFrom = now;
		return now;
	}

	/** {@link System#nanoTime()} when the first watched write committed, or -1. */
	long reached() {
		return this.reached;
	}

	long failures() {
		return this.failures.get();
	}

	private void loop() {
		while (this.running) {
			try {
				int port = this.transactions.write();
				long now = System.nanoTime();
				if (this.reached < 0 && port == this.watchPort && now > this.watchFrom) {
					this.reached = now;
				}
			}
			catch (RuntimeException ex) {
				this.failures.incrementAndGet();
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.thread.join(60_000);
	}

}
