package io.github.pgsqlrelation.relation.statefile;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns I/O failures on the state file into messages that say what is wrong with which
 * file.
 */
final class StateFileProblems {

	private StateFileProblems() {
	}

	static String describe(Path file, IOException ex) {
		if (ex instanceof NoSuchFileException) {
			if (Files.isSymbolicLink(file)) {
				return "Relation state file " + file + " is a symbolic link to " + target(file)
						+ ", which does not exist";
			}
			return "Relation state file " + file + " does not exist";
		}
		if (ex instanceof AccessDeniedException) {
			return "Relation state file " + file + " cannot be read: permission denied";
		}
		if (Files.isDirectory(file)) {
			return "Relation state file " + file + " is a directory";
		}
		return "Relation state file " + file + " cannot be read: " + ex.getMessage();
	}

	private static String target(Path link) {
		try {
			return Files.readSymbolicLink(link).toString();
		}
		catch (IOException ex) {
			return "a file";
		}
	}

}
