package io.github.pgsqlrelation.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.RelationNotReadyException;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state file's size limit and permission requirement, set through properties.
 */
class StateFilePolicyAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void exposedStateFileIsRefusedWhenPrivateFilesAreRequiredAndTheRelationIsNotReady() throws IOException {
		Path file = writeState("rw-r--r--");
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.state-file-require-private=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RelationSnapshot effective = context.getBean(RelationStateWatcher.class).current();
				assertThat(effective.readiness().reason()).contains(file + " is refused")
					.contains("mode rw-r--r--")
					.contains("chmod 600");
				assertThat(context.getBean(RelationRoutingDataSource.class).topology().master()).isNull();
			});
	}

	@Test
	void exposedStateFileIsUsedByDefault() throws IOException {
		Path file = writeState("rw-r--r--");
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			RelationSnapshot effective = context.getBean(RelationStateWatcher.class).current();
			assertThat(effective.readiness().isReady()).isTrue();
			assertThat(context.getBean(RelationRoutingDataSource.class).topology().master()).isNotNull();
		});
	}

	@Test
	void startUpThatNeedsTheDatabaseFailsWithAnAnalysisSayingHowToFixThePermissions() throws IOException {
		Path file = writeState("rw-r-----");
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.state-file-require-private=true")
			.withUserConfiguration(ConnectsAtStartUpConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().isInstanceOf(RelationNotReadyException.class);
				FailureAnalysis analysis = new RelationNotReadyFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains(file + " is refused")
					.contains("readable by group (mode rw-r-----)")
					.contains("chmod 600 " + file)
					.doesNotContain(TestStateFiles.PASSWORD);
				assertThat(analysis.getAction()).contains("permissions");
			});
	}

	@Test
	void stateFileLargerThanTheConfiguredLimitIsRefused() throws IOException {
		Path file = writeState("rw-------");
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.state-file-max-size=100B")
			.run((context) -> assertThat(context.getBean(RelationStateWatcher.class).current().readiness().reason())
				.contains(file + " is too large: " + Files.size(file) + " bytes, the limit is 100 bytes"));
	}

	@Test
	void maxSizeThatIsNotPositiveFailsWithAnExplanation() throws IOException {
		Path file = writeState("rw-------");
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.state-file-max-size=0B")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPgsqlRelationPropertyException.class)
				.hasMessageContaining("pgsql.relation.state-file-max-size")
				.hasMessageContaining("not positive"));
	}

	@Test
	void metadataDescribesTheNewPropertiesWithTheirDefaults() throws IOException {
		Map<String, JsonNode> properties = new HashMap<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonMapper.builder()
				.build()
				.readTree(metadata)
				.get("properties")
				.forEach((property) -> properties.put(property.get("name").asString(), property));
		}
		JsonNode maxSize = properties.get("pgsql.relation.state-file-max-size");
		assertThat(maxSize.get("description").asString()).startsWith("Largest relation state file read.");
		assertThat(maxSize.get("defaultValue").asString()).isEqualTo("1MB");
		JsonNode requirePrivate = properties.get("pgsql.relation.state-file-require-private");
		assertThat(requirePrivate.get("description").asString()).startsWith("Whether to refuse a relation state file");
		assertThat(requirePrivate.get("defaultValue").asBoolean()).isFalse();
	}

	private Path writeState(String permissions) throws IOException {
		Path file = this.directory.resolve("state.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
		return file;
	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectsAtStartUpConfiguration {

		@Bean
		String schemaCheck(DataSource dataSource) throws SQLException {
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
			return "checked";
		}

	}

}
