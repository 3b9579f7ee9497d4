package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.github.pgsqlrelation.routing.InvalidRoutingSettingException;
import io.github.pgsqlrelation.routing.RoutingSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Checks what binding cannot: values that are well-formed but cannot work.
 */
final class PgsqlRelationPropertiesValidator {

	/** The file is read into memory, and more is no state file anyway. */
	private static final DataSize MAX_STATE_FILE_SIZE = DataSize.ofMegabytes(1024);

	private PgsqlRelationPropertiesValidator() {
	}

	/**
	 * Validates the properties and returns the state file: the connection details' when
	 * given, else the property's. The routing's rules are {@link RoutingSettings}' own:
	 * see {@link #routingSettings}.
	 */
	static Path validate(PgsqlRelationProperties properties,
			@Nullable PgsqlRelationConnectionDetails connectionDetails) {
		Path stateFile = (connectionDetails != null) ? connectionDetails.getStateFile() : properties.getStateFile();
		if (stateFile == null || stateFile.toString().isBlank()) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.state-file", stateFile, "it is empty",
					"Set it to the path of the relation state file the charm writes.");
		}
		if (Files.isDirectory(stateFile)) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.state-file", stateFile,
					"it is a directory, not a file", "Set it to the file the charm writes inside that directory, e.g. "
							+ stateFile.resolve("pgsql-relation.json") + ".");
		}
		if (properties.getEndpoint().isBlank()) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.endpoint", properties.getEndpoint(),
					"it is empty",
					"Set it to the name of the relation endpoint in the charm's metadata (default 'db').");
		}
		requireEmpty("pgsql.relation.pool.jdbc-url", properties.getPool().getJdbcUrl());
		requireEmpty("pgsql.relation.pool.username", properties.getPool().getUsername());
		requireEmpty("pgsql.relation.pool.data-source-class-name", properties.getPool().getDataSourceClassName());
		requireEmpty("pgsql.relation.pool.password", properties.getPool().getPassword());
		requireUnset("pgsql.relation.pool.pool-name", properties.getPool().getPoolName(),
				"every pool is named after its backend, e.g. pgsql-relation-db-master");
		requireUnset("pgsql.relation.pool.data-source-j-n-d-i", properties.getPool().getDataSourceJNDI(),
				"connections come from the relation, never from JNDI");
		requirePositive("pgsql.relation.recheck-interval", properties.getRecheckInterval());
		validateMaxSize(properties.getStateFileMaxSize());
		routingSettings(properties.getRouting());
		return stateFile;
	}

	/**
	 * Returns the routing settings, reporting a value they refuse by its property name.
	 */
	static RoutingSettings routingSettings(PgsqlRelationProperties.Routing routing) {
		try {
			return new RoutingSettings(routing.isReadFallbackToMaster(), routing.getRetireTimeout(),
					routing.getStandbyConnectionTimeout(), routing.getStandbyRetryInterval(), routing.getHostRecheck(),
					routing.getBusyStandbys(), routing.getMaxStandbyLag(), routing.getStandbyLagProbeInterval(),
					routing.isReadYourWrites(), routing.getReadYourWritesWait());
		}
		catch (InvalidRoutingSettingException ex) {
			String property = "pgsql.relation.routing."
					+ ex.getSetting().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
			throw new InvalidPgsqlRelationPropertyException(property, ex.getValue(), "it " + ex.getReason(),
					ex.getAction());
		}
	}

	private static void validateMaxSize(DataSize maxSize) {
		if (maxSize.toBytes() <= 0) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.state-file-max-size", maxSize,
					"it is not positive", "Use a size such as 1MB (the default); a state file is a few kilobytes.");
		}
		if (maxSize.compareTo(MAX_STATE_FILE_SIZE) > 0) {
			throw new InvalidPgsqlRelationPropertyException("pgsql.relation.state-file-max-size", maxSize,
					"it is above " + MAX_STATE_FILE_SIZE.toMegabytes() + "MB",
					"Use a size such as 1MB (the default); a state file is a few kilobytes.");
		}
	}

	private static void requirePositive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidPgsqlRelationPropertyException(property, value, "it is not positive",
					"Use a positive duration.");
		}
	}

	// Settings the routing makes itself on every pool: set here, they would be ignored.
	private static void requireUnset(String property, @Nullable String value, String why) {
		if (value != null && !value.isEmpty()) {
			throw new InvalidPgsqlRelationPropertyException(property, value, "the routing sets it itself: " + why,
					"Remove it.");
		}
	}

	// The value is not echoed: a password, or a JDBC URL holding one, must never be
	// shown.
	private static void requireEmpty(String property, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			throw new InvalidPgsqlRelationPropertyException(property, "******",
					"connection details come from the relation",
					"Remove it; the master's and standbys' addresses and credentials come from the relation state file.");
		}
	}

}
