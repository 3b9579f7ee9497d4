package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the relation state file is, for a relation that something other than
 * {@code pgsql.relation.state-file} describes, typically a test cluster declared with
 * Spring Boot's {@code @ServiceConnection}. When a bean of this type exists, the starter
 * turns on and follows its file, and {@code pgsql.relation.state-file} is not used.
 */
public interface PgsqlRelationConnectionDetails extends ConnectionDetails {

	/**
	 * The relation state file to follow (contract: {@code docs/relation-state.md}). It
	 * may not exist yet; the relation is then not ready until it does.
	 * @return the path of the file, never {@code null}
	 */
	Path getStateFile();

}
