package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.pgsqlrelation.routing.RelationNotReadyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RelationJdbcConnectionDetails} and its auto-configuration.
 */
class RelationJdbcConnectionDetailsTests {

	private static final String MASTER = "dbname=app host=10.0.0.5 port=5433 user=relation-7 password="
			+ TestStateFiles.PASSWORD + " sslmode=require connect_timeout=7";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("pgsql.relation.recheck-interval=100ms");

	@TempDir
	Path directory;

	@Test
	void masterIsExposedAsJdbcConnectionDetails() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, MASTER, List.of(TestStateFiles.server(5434)));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			JdbcConnectionDetails details = context.getBean(JdbcConnectionDetails.class);
			assertThat(details.getJdbcUrl()).startsWith("jdbc:postgresql://10.0.0.5:5433/app?")
				.contains("sslmode=require", "connectTimeout=7")
				.doesNotContain("password", "user=", TestStateFiles.PASSWORD);
			assertThat(details.getUsername()).isEqualTo("relation-7");
			assertThat(details.getPassword()).isEqualTo(TestStateFiles.PASSWORD);
			assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
		});
	}

	@Test
	void detailsFollowTheRelation() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, MASTER, List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			JdbcConnectionDetails details = context.getBean(JdbcConnectionDetails.class);
			TestStateFiles.write(file, "dbname=app host=10.0.0.9 port=5432 user=relation-8 password=s3cret", List.of());
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(details.getJdbcUrl()).startsWith("jdbc:postgresql://10.0.0.9:5432/app"));
			assertThat(details.getUsername()).isEqualTo("relation-8");
		});
	}

	@Test
	void toStringMasksThePassword() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, MASTER, List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context.getBean(JdbcConnectionDetails.class).toString())
				.contains("host=10.0.0.5", "password=******")
				.doesNotContain(TestStateFiles.PASSWORD));
	}

	@Test
	void withoutMasterTheGettersSayWhy() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.writeWithoutMaster(file);
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			JdbcConnectionDetails details = context.getBean(JdbcConnectionDetails.class);
			assertThatIllegalStateException().isThrownBy(details::getJdbcUrl)
				.withCauseInstanceOf(RelationNotReadyException.class)
				.withMessageContaining("has no master");
			assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
			assertThat(details.toString()).contains("master=none");
		});
	}

	@Test
	void backsOffWhenTheApplicationHasItsOwnConnectionDetails() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, MASTER, List.of());
		JdbcConnectionDetails own = new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return "own";
			}

			@Override
			public String getPassword() {
				return "own";
			}

			@Override
			public String getJdbcUrl() {
				return "jdbc:postgresql://127.0.0.1/own";
			}

		};
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.withBean(JdbcConnectionDetails.class, () -> own)
			.run((context) -> assertThat(context).getBean(JdbcConnectionDetails.class).isSameAs(own));
	}

	@Test
	void notOfferedWithoutSpringBootJdbc() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, MASTER, List.of());
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(JdbcConnectionDetails.class))
			.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RelationJdbcConnectionDetails.class));
	}

}
