package io.github.pgsqlrelation.relation.postgresqlclient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Writes the CA certificates of a relation to files that only this user can read, for
 * libpq's {@code sslrootcert}.
 * <p>
 * Why files, rather than a trust store in memory: the master and standbys stay plain
 * libpq connection strings (comparable, printable with the password masked, usable by
 * {@code psql} too), and pgjdbc's own TLS factory reads {@code sslrootcert} as libpq
 * does. Each file is named by the SHA-256 of the certificates, so an unchanged CA gives
 * an equal connection string and changes no pool, while a new CA gives a new file and new
 * pools. The directory is created once per process with mode {@code 0700} under a random
 * name (so no other user can have made it beforehand), each file with mode {@code 0600},
 * written under a temporary name and renamed, so that a connection never reads half a
 * file. The files are deleted when the JVM exits.
 */
final class CaFiles {

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	/** The files of this process, in a directory created on first use. */
	static final CaFiles DEFAULT = new CaFiles(null);

	private @Nullable Path directory;

	/**
	 * Creates the store.
	 * @param directory a private directory that exists, {@code null} to create one under
	 * {@code java.io.tmpdir} on first use
	 */
	CaFiles(@Nullable Path directory) {
		this.directory = directory;
	}

	/**
	 * Returns the file holding the certificates, writing it when it is missing or differs
	 * (for example after a temporary file cleaner removed it).
	 * @throws IOException when the directory or file cannot be written
	 */
	synchronized Path write(TrustedCa ca) throws IOException {
		Path directory = directory();
		Path file = directory.resolve(ca.sha256() + ".crt");
		byte[] content = ca.pem().getBytes(StandardCharsets.UTF_8);
		if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
			return file;
		}
		Path temporary = Files.createTempFile(directory, ".ca-", ".tmp", ownerOnly(OWNER_ONLY_FILE));
		try {
			Files.write(temporary, content);
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
		file.toFile().deleteOnExit();
		return file;
	}

	private Path directory() throws IOException {
		if (this.directory == null || !Files.isDirectory(this.directory)) {
			Path created = Files.createTempDirectory("pgsql-relation-ca-", ownerOnly(OWNER_ONLY_DIRECTORY));
			// Registered before its files, so that it is deleted after them
			created.toFile().deleteOnExit();
			this.directory = created;
		}
		return this.directory;
	}

	private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
		// Elsewhere (Windows), the temporary directory is the user's own
		return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
				? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
				: new FileAttribute<?>[0];
	}

}
