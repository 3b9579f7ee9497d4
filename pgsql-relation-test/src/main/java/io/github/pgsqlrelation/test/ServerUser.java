package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The operating system user the servers run as. PostgreSQL refuses to run as root, so a
 * root JVM runs them as {@code PGSQL_RELATION_SERVER_USER}, else {@code postgres}, else
 * {@code nobody}, through {@code setpriv}; any other user runs them directly.
 *
 * @param name the user name
 * @param group the primary group name
 * @param uid the user id
 * @param gid the group id
 * @param switchUser whether commands must switch to this user
 */
record ServerUser(String name, String group, int uid, int gid, boolean switchUser) {

	private static final ServerUser CURRENT = detect();

	static ServerUser get() {
		return CURRENT;
	}

	static boolean isRoot() {
		return currentUid() == 0;
	}

	static int currentUid() {
		return Integer.parseInt(run("id", "-u"));
	}

	private static ServerUser detect() {
		if (!isRoot()) {
			String name = run("id", "-un");
			return new ServerUser(name, run("id", "-gn"), currentUid(), Integer.parseInt(run("id", "-g")), false);
		}
		String configured = System.getenv("PGSQL_RELATION_SERVER_USER");
		String name = (configured != null && !configured.isBlank()) ? configured
				: exists("postgres") ? "postgres" : "nobody";
		return new ServerUser(name, run("id", "-gn", name), Integer.parseInt(run("id", "-u", name)),
				Integer.parseInt(run("id", "-g", name)), true);
	}

	private static boolean onPath(String program) {
		String path = System.getenv("PATH");
		String[] directories = ((path != null) ? path : "/usr/bin:/bin:/usr/sbin:/sbin").split(":");
		for (String directory : directories) {
			if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
				return true;
			}
		}
		return false;
	}

	private static boolean exists(String user) {
		try {
			Process process = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes()).trim();
			if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + String.join(" ", command), ex);
		}
	}

	/**
	 * The command line that runs the given command as this user.
	 * @param command the program and its arguments
	 * @return the command, prefixed to switch user when needed
	 */
	List<String> commandLine(List<String> command) {
		if (!this.switchUser) {
			return command;
		}
		List<String> line = new ArrayList<>(onPath("setpriv")
				? List.of("setpriv", "--reuid=" + this.uid, "--regid=" + this.gid, "--clear-groups", "--")
				: List.of("runuser", "-u", this.name, "--"));
		line.addAll(command);
		return line;
	}

	/**
	 * Hands a directory tree over to this user (a no-op when the servers run as the JVM's
	 * user).
	 * @param root the tree
	 */
	void own(Path root) {
		if (!this.switchUser) {
			return;
		}
		try {
			UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
			var user = lookup.lookupPrincipalByName(this.name);
			GroupPrincipal group = lookup.lookupPrincipalByGroupName(this.group);
			try (Stream<Path> paths = Files.walk(root)) {
				for (Path path : (Iterable<Path>) paths::iterator) {
					PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
							java.nio.file.LinkOption.NOFOLLOW_LINKS);
					view.setOwner(user);
					view.setGroup(group);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not hand " + root + " over to user " + this.name, ex);
		}
	}

}
