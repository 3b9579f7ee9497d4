package io.github.pgsqlrelation.relation;

import tools.jackson.databind.JsonNode;

/**
 * Reads the entries of one Juju interface from a relation state file: the state file's
 * envelope hands each entry of its {@code relations} array to the reader its
 * {@code interface} key names.
 */
public interface RelationEntryReader {

	/** Returns the Juju interface this reader reads, e.g. {@code pgsql}. */
	String interfaceName();

	/**
	 * Reads one entry.
	 * @param entry the entry, a JSON object
	 * @param path the entry's key path, e.g. {@code relations[0]}, for error messages
	 * @param ref the relation, already read from the envelope's keys
	 * @param fields reads the entry's values with errors that name the file, key path and
	 * position
	 * @return the entry
	 * @throws RelationStateException when the entry does not follow the contract
	 */
	RelationEntry read(JsonNode entry, String path, RelationRef ref, EntryFields fields);

}
