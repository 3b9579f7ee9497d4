package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationStateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a state file defensively: only a regular file, never more than the size limit
 * (plus one byte, to tell that it is too large), decoded as strict UTF-8, together with
 * the permissions of the very file that was read.
 */
final class StateFileLoader {

	/** The largest array the JVM reliably allocates. */
	private static final int MAX_ARRAY_SIZE = Integer.MAX_VALUE - 8;

	/** A file replaced while it was read is read again, this many times at most. */
	private static final int ATTEMPTS = 3;

	private StateFileLoader() {
	}

	/**
	 * Reads the file.
	 * @param file the state file (symlinks are followed)
	 * @param maxSize the largest file accepted, in bytes
	 * @return the content and permissions
	 * @throws IOException when the file cannot be read
	 * @throws RelationStateException when the file is refused: not a regular file, too
	 * large, not UTF-8
	 */
	static StateFileContent load(Path file, long maxSize) throws IOException {
		boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
		for (int attempt = 1;; attempt++) {
			BasicFileAttributes before = attributes(file, posix);
			check(file, before, maxSize);
			byte[] bytes;
			try (InputStream in = Files.newInputStream(file)) {
				bytes = readAtMost(in, maxSize, file);
			}
			// The permissions must be those of the file read: a file swapped meanwhile
			// (atomic rename, symlink switch) is read again.
			BasicFileAttributes after = attributes(file, posix);
			if (attempt < ATTEMPTS && !sameFile(before, after)) {
				continue;
			}
			Set<PosixFilePermission> permissions = (after instanceof PosixFileAttributes attributes)
					? attributes.permissions() : null;
			return new StateFileContent(bytes, decode(bytes, file), permissions);
		}
	}

	private static BasicFileAttributes attributes(Path file, boolean posix) throws IOException {
		return posix ? Files.readAttributes(file, PosixFileAttributes.class)
				: Files.readAttributes(file, BasicFileAttributes.class);
	}

	private static boolean sameFile(BasicFileAttributes before, BasicFileAttributes after) {
		return Objects.equals(before.fileKey(), after.fileKey())
				&& Objects.equals(before.lastModifiedTime(), after.lastModifiedTime());
	}

	private static void check(Path file, BasicFileAttributes attributes, long maxSize) {
		if (attributes.isDirectory()) {
			throw new RelationStateException("Relation state file " + file + " is a directory");
		}
		// A pipe would block the reader forever, a device such as /dev/zero never ends.
		if (!attributes.isRegularFile()) {
			throw new RelationStateException(
					"Relation state file " + file + " is not a regular file (a device, pipe or socket)");
		}
		if (attributes.size() > maxSize) {
			throw tooLarge(file, attributes.size() + " bytes", maxSize);
		}
	}

	/**
	 * Reads at most {@code maxSize + 1} bytes: a file that grew after its size was
	 * checked is refused without reading it all.
	 */
	static byte[] readAtMost(InputStream in, long maxSize, Path file) throws IOException {
		byte[] bytes = in.readNBytes((int) Math.min(maxSize + 1, MAX_ARRAY_SIZE));
		if (bytes.length > maxSize) {
			throw tooLarge(file, "more than " + maxSize + " bytes", maxSize);
		}
		return bytes;
	}

	private static RelationStateException tooLarge(Path file, String size, long maxSize) {
		return new RelationStateException("Relation state file " + file + " is too large: " + size + ", the limit is "
				+ maxSize + " bytes; a state file is a few kilobytes, so this is not one");
	}

	// Strict, so that a damaged file is reported rather than read with replacement
	// characters.
	private static String decode(byte[] bytes, Path file) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
		ByteBuffer in = ByteBuffer.wrap(bytes);
		CharBuffer out = CharBuffer.allocate(bytes.length);
		CoderResult result = decoder.decode(in, out, true);
		if (!result.isError()) {
			result = decoder.flush(out);
		}
		if (result.isError()) {
			throw new RelationStateException(
					"Relation state file " + file + " is not valid UTF-8 (byte offset " + in.position() + ")");
		}
		String text = out.flip().toString();
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

}
