package io.github.pgsqlrelation.relation;

/**
 * Thrown when a relation state file cannot be read or does not follow the contract. The
 * message names the file and where in it the problem is (key path, line and column); it
 * never contains a password.
 */
public class RelationStateException extends RuntimeException {

	public RelationStateException(String message) {
		super(message);
	}

	public RelationStateException(String message, Throwable cause) {
		super(message, cause);
	}

}
