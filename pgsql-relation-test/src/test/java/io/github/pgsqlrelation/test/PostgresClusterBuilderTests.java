package io.github.pgsqlrelation.test;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.test.PostgresClusterTests.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PostgresCluster.Builder}.
 */
class PostgresClusterBuilderTests {

	@Test
	void namesThatNeedQuotingWorkInConnectionsAndConnectionStrings() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.builder()
			.database("my app")
			.user("relation-12")
			.password("it's complicated\\")
			.start()) {
			PostgresNode primary = cluster.primary();
			assertThat(queryString(primary, "SELECT current_user || '@' || current_database()"))
				.isEqualTo("relation-12@my app");
			assertThat(primary.connectionString()).isEqualTo("dbname='my app' host=127.0.0.1 "
					+ "password='it\\'s complicated\\\\' port=" + primary.port() + " user=relation-12");
			assertThat(primary.jdbcUrl()).endsWith("/my%20app");
		}
	}

	@Test
	void generatedPasswordsDifferBetweenClusters() {
		assertThat(LibpqValues.newPassword()).isNotEqualTo(LibpqValues.newPassword()).matches("[A-Za-z0-9]{24}");
	}

	@Test
	void negativeNumberOfStandbysIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> PostgresCluster.builder().standbys(-1))
			.withMessage("standbys must not be negative, got -1");
	}

	@Test
	void binDirectoryWithoutTheServerProgramsIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PostgresCluster.builder().binDirectory(Path.of("/nonexistent/bin")).start())
			.withMessage("Bin directory /nonexistent/bin does not hold initdb, pg_ctl and postgres");
	}

	@Test
	void settingsNeverShowThePassword() {
		PostgresCluster.Settings settings = new PostgresCluster.Settings(1, "app", "relation-7", "s3cret", true, null,
				null);
		assertThat(settings.toString()).doesNotContain("s3cret").contains("password=******");
	}

}
