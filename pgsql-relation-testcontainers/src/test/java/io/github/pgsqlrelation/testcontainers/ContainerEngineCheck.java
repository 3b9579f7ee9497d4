package io.github.pgsqlrelation.testcontainers;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every container test, never skips it, when the build's set-up
 * ({@code .ci/container-engine}) found no Docker engine it could use, saying what is
 * missing.
 */
public class ContainerEngineCheck implements BeforeAllCallback {

	static final String PROBLEM_VARIABLE = "PGSQL_RELATION_CONTAINER_ENGINE_PROBLEM";

	@Override
	public void beforeAll(ExtensionContext context) {
		String problem = System.getenv(PROBLEM_VARIABLE);
		if (problem != null && !problem.isBlank()) {
			throw new IllegalStateException("The container tests need a Docker engine: " + problem);
		}
	}

}
