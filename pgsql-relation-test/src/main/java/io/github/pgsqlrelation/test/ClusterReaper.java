package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes sure no server outlives its test run: clusters still open when the JVM exits are
 * closed by a shutdown hook, and the directories of clusters whose JVM died without
 * running its hooks (killed, crashed) are cleaned up, servers included, by the next
 * cluster started on the machine.
 */
final class ClusterReaper {

	static final String ROOT_PREFIX = "pgsql-relation-cluster-";

	static final String OWNER_FILE = "owner.pid";

	private static final Set<PostgresCluster> OPEN = new LinkedHashSet<>();

	private static final Set<Path> DELETE_ON_EXIT = new LinkedHashSet<>();

	private static boolean hookInstalled;

	private ClusterReaper() {
	}

	static synchronized void register(PostgresCluster cluster) {
		installHook();
		OPEN.add(cluster);
	}

	static synchronized void deleteOnExit(Path directory) {
		installHook();
		DELETE_ON_EXIT.add(directory);
	}

	private static void installHook() {
		if (!hookInstalled) {
			Runtime.getRuntime().addShutdownHook(new Thread(ClusterReaper::closeAll, "pgsql-relation-test-reaper"));
			hookInstalled = true;
		}
	}

	static synchronized void unregister(PostgresCluster cluster) {
		OPEN.remove(cluster);
	}

	private static void closeAll() {
		List<PostgresCluster> clusters;
		List<Path> directories;
		synchronized (ClusterReaper.class) {
			clusters = new ArrayList<>(OPEN);
			directories = new ArrayList<>(DELETE_ON_EXIT);
		}
		clusters.forEach(PostgresCluster::close);
		directories.forEach(FileTrees::delete);
	}

	/**
	 * Removes the cluster directories under {@code parent} whose owning JVM is gone,
	 * after killing any server still running from them.
	 * @param parent the directory holding cluster directories
	 */
	static void sweepOrphans(Path parent) {
		try (DirectoryStream<Path> roots = Files.newDirectoryStream(parent, ROOT_PREFIX + "*")) {
			for (Path root : roots) {
				if (isOrphan(root)) {
					killServers(root);
					FileTrees.delete(root);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Best effort: another JVM may be sweeping the same directories
		}
	}

	private static boolean isOrphan(Path root) {
		Optional<Long> owner = readPid(root.resolve(OWNER_FILE));
		return owner.isPresent() && !ProcessKiller.isAlive(owner.get());
	}

	private static void killServers(Path root) throws IOException {
		try (Stream<Path> pidFiles = Files.find(root, 3,
				(path, attributes) -> path.getFileName().toString().equals("postmaster.pid"))) {
			pidFiles.map(ClusterReaper::readPid)
				.flatMap(Optional::stream)
				.map(ProcessHandle::of)
				.flatMap(Optional::stream)
				.filter(ClusterReaper::isPostgres)
				.forEach(ProcessKiller::killAndWait);
		}
	}

	private static boolean isPostgres(ProcessHandle process) {
		return process.info().command().map((command) -> command.endsWith("/postgres")).orElse(false);
	}

	static Optional<Long> readPid(Path file) {
		try {
			String firstLine = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
			return Optional.of(Long.parseLong(firstLine));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

}
