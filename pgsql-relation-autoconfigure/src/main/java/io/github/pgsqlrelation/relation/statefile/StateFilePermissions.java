package io.github.pgsqlrelation.relation.statefile;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Tells whether a state file, which holds database passwords, is readable by users other
 * than its owner, and how to fix it.
 */
final class StateFilePermissions {

	private static final String FIX = "; the file holds database passwords: make it private with 'chmod 600 %s' "
			+ "(the charm should write it with mode 0600, owned by the user the application runs as)";

	private StateFilePermissions() {
	}

	/**
	 * Returns who besides the owner may read the file, {@code null} when nobody may.
	 */
	static @Nullable String readableBy(Set<PosixFilePermission> permissions) {
		boolean group = permissions.contains(PosixFilePermission.GROUP_READ);
		boolean others = permissions.contains(PosixFilePermission.OTHERS_READ);
		if (group && others) {
			return "group and others";
		}
		return group ? "group" : others ? "others" : null;
	}

	static String warning(Path file, Set<PosixFilePermission> permissions, String readableBy) {
		return "Relation state file " + file + " is readable by " + readableBy + " (mode "
				+ PosixFilePermissions.toString(permissions) + ")" + FIX.formatted(file);
	}

	static String refusal(Path file, Set<PosixFilePermission> permissions, String readableBy) {
		return "Relation state file " + file + " is refused: only private state files are accepted, but it is "
				+ "readable by " + readableBy + " (mode " + PosixFilePermissions.toString(permissions) + ")"
				+ FIX.formatted(file);
	}

}
