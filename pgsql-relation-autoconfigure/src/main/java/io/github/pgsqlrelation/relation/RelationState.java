package io.github.pgsqlrelation.relation;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The content of a relation state file, as the charm wrote it (see {@code docs/relation-state.md}).
 */
public final class RelationState {

	// STUB: to be implemented (model, reader, protocol).

	/** Reads and validates a state file. */
	public static RelationState read(Path file) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	/** Parses and validates state file content; {@code source} names it in error messages. */
	public static RelationState parse(String json, String source) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	/**
	 * Applies the {@code pgsql} protocol's readiness rules to the relations of one endpoint.
	 * @param endpoint the local endpoint name, e.g. {@code db}
	 * @param expectedDatabase the database the application expects, {@code null} for any
	 */
	public EndpointState endpoint(String endpoint, @Nullable String expectedDatabase) {
		throw new UnsupportedOperationException("not yet implemented");
	}

}
