package io.github.pgsqlrelation.relation.statefile;

/**
 * What a relation state file must be like to be read at all.
 *
 * @param maxSize the largest file read, in bytes; a larger one is refused without being
 * read
 * @param requirePrivate whether a file that users other than its owner may read is
 * refused (else it is read and a warning logged)
 */
public record StateFilePolicy(long maxSize, boolean requirePrivate) {

	/** The default size limit: 1 MiB, hundreds of times a real state file. */
	public static final long DEFAULT_MAX_SIZE = 1024 * 1024;

	/** The defaults: files up to 1 MiB, readable by others with a warning. */
	public static final StateFilePolicy DEFAULT = new StateFilePolicy(DEFAULT_MAX_SIZE, false);

	public StateFilePolicy {
		if (maxSize <= 0) {
			throw new IllegalArgumentException("maxSize must be positive");
		}
	}

}
