package io.github.pgsqlrelation.relation.statefile;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What was read from a state file: its bytes, decoded, and its permissions.
 *
 * @param bytes the raw content, to tell whether it changed
 * @param text the content decoded as UTF-8, without a byte order mark
 * @param permissions the file's permissions, {@code null} on file systems without POSIX
 * permissions
 */
record StateFileContent(byte[] bytes, String text, @Nullable Set<PosixFilePermission> permissions) {

}
