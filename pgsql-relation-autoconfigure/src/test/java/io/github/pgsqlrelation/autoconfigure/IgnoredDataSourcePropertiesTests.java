package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link IgnoredDataSourceProperties}.
 */
@ExtendWith(OutputCaptureExtension.class)
class IgnoredDataSourcePropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void eachIgnoredSpringDatasourcePropertyIsNamedWithWhatToSetInstead(CapturedOutput output) {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + stateFile(),
				"spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/app", "spring.datasource.username=app",
				"spring.datasource.password=" + TestStateFiles.PASSWORD, "spring.datasource.hikari.maximum-pool-size=2",
				"spring.datasource.hikari.data-source-properties.socketTimeout=30")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("spring.datasource.hikari.maximum-pool-size is ignored: ")
					.contains("set pgsql.relation.pool.maximum-pool-size instead")
					.contains("set pgsql.relation.pool.data-source-properties.sockettimeout instead")
					.contains("spring.datasource.url is ignored: with pgsql.relation.state-file set, the master's")
					.contains("spring.datasource.username is ignored")
					.contains("spring.datasource.password is ignored")
					.doesNotContain(TestStateFiles.PASSWORD);
			});
	}

	@Test
	void environmentVariablesAndRelaxedNamesAreFoundToo() {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + stateFile())
			.withPropertyValues("spring.datasource.hikari.minimumIdle=1")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "2"))))
			.run((context) -> assertThat(IgnoredDataSourceProperties.find(context.getEnvironment()))
				.containsExactly("spring.datasource.hikari.maximumpoolsize", "spring.datasource.hikari.minimumidle"));
	}

	@Test
	void otherPoolsAndSettingsPointToTheStartersProperties() {
		assertThat(IgnoredDataSourceProperties.instead("spring.datasource.type")).contains("pgsql.relation.pool.*");
		assertThat(IgnoredDataSourceProperties.instead("spring.datasource.hikari.jdbc-url"))
			.contains("come from the relation state file");
		assertThat(IgnoredDataSourceProperties.instead("spring.datasource.hikari.connection-timeout"))
			.contains("set pgsql.relation.pool.connection-timeout instead");
	}

	@Test
	void settingsTheRoutingMakesItselfHaveNoEquivalent() {
		assertThat(IgnoredDataSourceProperties.instead("spring.datasource.hikari.pool-name"))
			.contains("has no equivalent")
			.doesNotContain("set pgsql.relation.pool.");
		assertThat(IgnoredDataSourceProperties.instead("spring.datasource.hikari.initialization-fail-timeout"))
			.contains("has no equivalent");
	}

	@Test
	void nothingIsSaidWhenNoSpringDatasourcePropertyIsSet(CapturedOutput output) {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + stateFile())
			.run((context) -> assertThat(output).doesNotContain("is ignored"));
	}

	@Test
	void nothingIsSaidWhenTheApplicationHasItsOwnDataSource(CapturedOutput output) {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + stateFile())
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=2")
			.withBean(DataSource.class, SimpleDriverDataSource::new)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(IgnoredDataSourceProperties.class);
				assertThat(output).doesNotContain("is ignored");
			});
	}

	private Path stateFile() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		return file;
	}

}
