package io.github.pgsqlrelation.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an invalid {@code pgsql.relation.*} property and how to fix it.
 */
final class InvalidPgsqlRelationPropertyFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidPgsqlRelationPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPgsqlRelationPropertyException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Update property " + cause.getProperty() + ": " + cause.getAction(), cause);
	}

}
