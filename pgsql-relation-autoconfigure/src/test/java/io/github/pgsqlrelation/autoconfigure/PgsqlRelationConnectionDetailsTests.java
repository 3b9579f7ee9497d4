package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PgsqlRelationAutoConfiguration} with a
 * {@link PgsqlRelationConnectionDetails} bean.
 */
class PgsqlRelationConnectionDetailsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void connectionDetailsTurnTheStarterOnWithoutProperties() {
		Path file = this.directory.resolve("details.json");
		TestStateFiles.write(file, TestStateFiles.server(5432), List.of());
		this.contextRunner.withBean(PgsqlRelationConnectionDetails.class, () -> () -> file).run((context) -> {
			assertThat(context).getBean(RelationStateWatcher.class)
				.extracting(RelationStateWatcher::file)
				.isEqualTo(file);
			assertThat(context).getBean(DataSource.class).isInstanceOf(RelationRoutingDataSource.class);
		});
	}

	@Test
	void connectionDetailsWinOverTheStateFileProperty() {
		Path detailsFile = this.directory.resolve("details.json");
		Path propertyFile = this.directory.resolve("property.json");
		TestStateFiles.write(detailsFile, TestStateFiles.server(5432), List.of());
		TestStateFiles.write(propertyFile, TestStateFiles.server(5433), List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + propertyFile)
			.withBean(PgsqlRelationConnectionDetails.class, () -> () -> detailsFile)
			.run((context) -> assertThat(context).getBean(RelationStateWatcher.class)
				.extracting(RelationStateWatcher::file)
				.isEqualTo(detailsFile));
	}

	@Test
	void connectionDetailsNamingADirectoryFailWithAnExplanation() {
		this.contextRunner.withBean(PgsqlRelationConnectionDetails.class, () -> () -> this.directory).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPgsqlRelationPropertyException.class)
				.hasMessageContaining("is a directory");
		});
	}

	@Test
	void withoutConnectionDetailsOrPropertyTheStarterStaysOff() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app")
			.run((context) -> assertThat(context).doesNotHaveBean(RelationStateWatcher.class));
	}

}
