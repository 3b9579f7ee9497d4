package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;

import io.github.pgsqlrelation.routing.RelationNotReadyException;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the failure analyzers, which tell the user what is wrong and how to fix it.
 */
class FailureAnalyzersTests {

	@Test
	void analyzersAreRegistered() {
		// Spring Boot's own analyzers need constructor arguments: skip them, keep ours.
		FailureHandler skip = FailureHandler.logging(LogFactory.getLog(FailureAnalyzersTests.class));
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, skip))
			.hasAtLeastOneElementOfType(InvalidPgsqlRelationPropertyFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(RelationNotReadyFailureAnalyzer.class);
	}

	@Test
	void invalidPropertyAnalysisNamesThePropertyAndTheFix() {
		InvalidPgsqlRelationPropertyException failure = new InvalidPgsqlRelationPropertyException(
				"pgsql.relation.state-file", Path.of("/etc"), "it is a directory, not a file",
				"Set it to the file the charm writes.");
		FailureAnalysis analysis = new InvalidPgsqlRelationPropertyFailureAnalyzer()
			.analyze(new BeanCreationException("watcher", "failed", failure));
		assertThat(analysis.getDescription())
			.isEqualTo("Invalid value '/etc' for property pgsql.relation.state-file: it is a directory, not a file");
		assertThat(analysis.getAction()).contains("pgsql.relation.state-file").contains("the file the charm writes");
	}

	@Test
	void relationNotReadyAnalysisSaysWhyAndWhatToCheck() {
		RelationNotReadyException failure = new RelationNotReadyException(
				"No master for endpoint 'db': Relation state file /x.json does not exist");
		FailureAnalysis analysis = new RelationNotReadyFailureAnalyzer()
			.analyze(new BeanCreationException("entityManagerFactory", "failed", failure));
		assertThat(analysis.getDescription()).contains("/x.json does not exist");
		assertThat(analysis.getAction()).contains("pgsql.relation.state-file")
			.contains("pgsql.relation.migrations.defer=false")
			.contains("spring.flyway.enabled=false");
	}

}
