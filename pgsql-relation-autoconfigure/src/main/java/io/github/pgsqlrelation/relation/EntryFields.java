package io.github.pgsqlrelation.relation;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Reads the values of a state file entry. Every error is a {@link RelationStateException}
 * naming the file, the key path and, where the key exists, its line and column; values
 * are never quoted, since they may hold passwords.
 */
public interface EntryFields {

	/** Returns the key path of a child, e.g. {@code relations[0].master}. */
	String child(String path, String name);

	/** Fails unless the node is a JSON object. */
	void requireObject(JsonNode node, String path);

	/** Fails unless the object has every one of the keys. */
	void requireFields(JsonNode node, String path, List<String> names);

	/** Returns the node's string, failing unless it is a string. */
	String string(JsonNode node, String path);

	/**
	 * Returns the string at {@code name}, or {@code defaultValue} when it is missing or
	 * {@code null}.
	 */
	String optionalString(JsonNode object, String path, String name, String defaultValue);

	/** Returns the node's strings, failing unless it is an object of strings. */
	Map<String, String> strings(JsonNode node, String path);

	/** Returns the node's strings, failing unless it is an array of strings. */
	List<String> stringArray(JsonNode node, String path);

	/** Returns an error about the value at a key path. */
	RelationStateException error(String path, String problem);

	/** Returns an error about the value at a key path, with its cause. */
	RelationStateException error(String path, String problem, Throwable cause);

}
