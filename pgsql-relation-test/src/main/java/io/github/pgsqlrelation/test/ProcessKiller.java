package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Kills server processes and tells whether they still run.
 */
final class ProcessKiller {

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

	private ProcessKiller() {
	}

	/**
	 * Kills a postmaster with SIGKILL and waits until it and its server processes are
	 * gone, so that a new postmaster can take over the data directory and its shared
	 * memory.
	 * @param postmaster the postmaster
	 */
	static void killAndWait(ProcessHandle postmaster) {
		List<ProcessHandle> children = postmaster.descendants().toList();
		postmaster.destroyForcibly();
		awaitExit(postmaster);
		// Backends exit on their own once they notice the postmaster died; make sure they
		// do
		children.forEach(ProcessHandle::destroyForcibly);
		children.forEach(ProcessKiller::awaitExit);
	}

	/**
	 * Whether a process runs. Unlike {@link ProcessHandle#isAlive()}, a zombie (exited,
	 * not yet reaped by its parent, which for a server is {@code init}) counts as gone.
	 * @param process the process
	 * @return whether it runs
	 */
	static boolean isAlive(ProcessHandle process) {
		if (!process.isAlive()) {
			return false;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"),
					StandardCharsets.US_ASCII);
			// The state follows the command name, which is in parentheses and may hold
			// spaces
			int end = stat.lastIndexOf(')');
			return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			return process.isAlive();
		}
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessKiller::isAlive).orElse(false);
	}

	private static void awaitExit(ProcessHandle process) {
		long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
		while (isAlive(process) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
