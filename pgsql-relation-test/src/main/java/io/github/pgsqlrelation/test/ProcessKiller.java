package io.github.pgsqlrelation.test;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills a postmaster with SIGKILL and waits until it and its server processes are gone,
 * so that a new postmaster can take over the data directory and its shared memory.
 */
final class ProcessKiller {

	private ProcessKiller() {
	}

	static void killAndWait(ProcessHandle postmaster) {
		List<ProcessHandle> children = postmaster.descendants().toList();
		postmaster.destroyForcibly();
		awaitExit(postmaster);
		// Backends exit on their own once they notice the postmaster died; make sure they do
		children.forEach(ProcessHandle::destroyForcibly);
		children.forEach(ProcessKiller::awaitExit);
	}

	private static void awaitExit(ProcessHandle process) {
		try {
			process.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Still there after SIGKILL: nothing more can be done from here
		}
	}

}
