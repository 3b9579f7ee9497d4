package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills, pauses and resumes server processes and tells whether they still run.
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

	/**
	 * Stops a postmaster and every process it started (the backends, the WAL sender or
	 * receiver, ...) with SIGSTOP, and waits until they are all stopped: the server keeps
	 * its sockets, so clients connect and send, but nothing answers. The postmaster goes
	 * first, so that it starts no process once its children are listed.
	 * @param postmaster the postmaster
	 */
	static void pause(ProcessHandle postmaster) {
		signal("STOP", List.of(postmaster));
		awaitState(postmaster, 'T');
		List<ProcessHandle> children = postmaster.descendants().toList();
		signal("STOP", children);
		children.forEach((child) -> awaitState(child, 'T'));
	}

	/**
	 * Lets a paused postmaster and its processes run again (SIGCONT), children first.
	 * @param postmaster the postmaster
	 */
	static void resume(ProcessHandle postmaster) {
		signal("CONT", postmaster.descendants().toList());
		signal("CONT", List.of(postmaster));
	}

	/**
	 * Whether a process is stopped by a signal.
	 * @param process the process
	 * @return whether it is stopped
	 */
	static boolean isStopped(ProcessHandle process) {
		return state(process) == 'T';
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessKiller::isAlive).orElse(false);
	}

	private static char state(ProcessHandle process) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"),
					StandardCharsets.US_ASCII);
			int end = stat.lastIndexOf(')');
			return (end < 0 || end + 2 >= stat.length()) ? '?' : stat.charAt(end + 2);
		}
		catch (IOException ex) {
			return 'X';
		}
	}

	/**
	 * Sends a signal with {@code kill}: Java signals only SIGTERM and SIGKILL. A process
	 * that exited meanwhile is no failure.
	 */
	private static void signal(String name, List<ProcessHandle> processes) {
		if (processes.isEmpty()) {
			return;
		}
		List<String> command = new ArrayList<>(List.of("kill", "-" + name));
		processes.forEach((process) -> command.add(Long.toString(process.pid())));
		try {
			Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!kill.waitFor(10, TimeUnit.SECONDS)) {
				kill.destroyForcibly();
				throw new IllegalStateException("Timed out sending SIG" + name + " to " + processes);
			}
			if (kill.exitValue() != 0 && processes.size() == 1 && isAlive(processes.get(0))) {
				throw new IllegalStateException("Could not send SIG" + name + " to " + processes + ": " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run kill -" + name + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + name, ex);
		}
	}

	private static void awaitState(ProcessHandle process, char expected) {
		long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
		while (isAlive(process) && state(process) != expected) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Process " + process.pid() + " did not reach state " + expected + " within " + EXIT_TIMEOUT);
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
