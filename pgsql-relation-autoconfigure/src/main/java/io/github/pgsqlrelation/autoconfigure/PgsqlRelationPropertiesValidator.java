package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Checks what binding cannot: values that are well-formed but cannot work.
 */
final class PgsqlRelationPropertiesValidator {

	private PgsqlRelationPropertiesValidator() {
	}

	/** Validates the properties and returns the state file. */
	static Path validate(PgsqlRelationProperties properties) {
		Path stateFile = properties.getStateFile();
		if (stateFile == null || stateFile.toString().isBlank()) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.state-file", stateFile,
					"it is empty", "Set it to the path of the relation state file the charm writes.");
		}
		if (Files.isDirectory(stateFile)) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.state-file", stateFile,
					"it is a directory, not a file",
					"Set it to the file the charm writes inside that directory, e.g. " + stateFile.resolve("pgsql-relation.json") + ".");
		}
		if (properties.getEndpoint().isBlank()) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.endpoint", properties.getEndpoint(),
					"it is empty", "Set it to the name of the relation endpoint in the charm's metadata (default 'db').");
		}
		requireEmpty("pgsql.relation.pool.jdbc-url", properties.getPool().getJdbcUrl());
		requireEmpty("pgsql.relation.pool.username", properties.getPool().getUsername());
		requireEmpty("pgsql.relation.pool.data-source-class-name", properties.getPool().getDataSourceClassName());
		if (properties.getPool().getPassword() != null) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.pool.password", "******",
					"connection details come from the relation",
					"Remove it; the credentials come from the relation state file.");
		}
		if (properties.getRecheckInterval().isNegative() || properties.getRecheckInterval().isZero()) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.recheck-interval",
					properties.getRecheckInterval(), "it is not positive", "Use a positive duration such as 5s.");
		}
		return stateFile;
	}

	private static void requireEmpty(String property, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			throw new InvalidPgsqlRelationPropertyException(property, value,
					"connection details come from the relation",
					"Remove it; the master's and standbys' addresses and credentials come from the relation state file.");
		}
	}

}
