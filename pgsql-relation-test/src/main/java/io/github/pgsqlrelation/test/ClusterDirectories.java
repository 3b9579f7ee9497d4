package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where clusters live: their directories and ports.
 */
final class ClusterDirectories {

	private ClusterDirectories() {
	}

	/**
	 * Where cluster directories go: {@value PostgresCluster#DIRECTORY_VARIABLE} when set,
	 * else {@code /dev/shm} (memory: data directory copies take a fraction of the time
	 * they take on disk), else the temporary directory, unless its path is too long for
	 * the servers' Unix sockets (at most 107 bytes).
	 * @return the parent directory of cluster directories
	 */
	static Path parent() {
		String configured = System.getenv(PostgresCluster.DIRECTORY_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured).toAbsolutePath();
		}
		Path memory = Path.of("/dev/shm");
		if (Files.isDirectory(memory) && Files.isWritable(memory)) {
			return memory;
		}
		Path temporary = temporaryDirectory();
		return (temporary.toString().length() <= 40) ? temporary : Path.of("/tmp");
	}

	/**
	 * Every directory this or an earlier version may have put clusters in.
	 * @return the directories, without duplicates
	 */
	static List<Path> candidates() {
		return Stream.of(parent(), temporaryDirectory(), Path.of("/tmp")).distinct().toList();
	}

	/**
	 * Creates a cluster directory the server user can enter, marked with this JVM's
	 * process id for {@link ClusterReaper}.
	 * @param parent where to create it
	 * @param prefix the start of its name
	 * @return the new directory
	 */
	static Path create(Path parent, String prefix) {
		try {
			Path root = Files.createTempDirectory(parent, prefix);
			Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
			Files.writeString(root.resolve(ClusterReaper.OWNER_FILE), Long.toString(ProcessHandle.current().pid()),
					StandardCharsets.UTF_8);
			return root;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a cluster directory in " + parent, ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port on the loopback interface", ex);
		}
	}

	private static Path temporaryDirectory() {
		return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
	}

}
