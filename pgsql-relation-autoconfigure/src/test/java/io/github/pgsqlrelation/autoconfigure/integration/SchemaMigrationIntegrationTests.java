package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint;
import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus;
import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus.State;
import io.github.pgsqlrelation.autoconfigure.migration.RelationMigrations;
import io.github.pgsqlrelation.routing.RelationNotReadyException;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Flyway and Liquibase migrate through the routing {@code DataSource}, on the master, in
 * both start-up orders: with a master at start-up, as Spring Boot does; without one, the
 * application starts refusing traffic and migrates when a master comes. A failed
 * migration is reported and tried again at the next change of master.
 */
class SchemaMigrationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final AtomicInteger schemas = new AtomicInteger();

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start(1);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@ParameterizedTest
	@EnumSource(MigrationTool.class)
	void masterAtStartUpMigratesDuringStartUpOnTheMaster(MigrationTool tool) throws SQLException {
		String schema = createSchema();
		Path file = stateFile();
		RelationStateFiles.writeRaw(file, cluster);
		try (ConfigurableApplicationContext context = run(file, tool.succeeding(schema))) {
			assertThat(migrations(context, tool).state()).isEqualTo(State.SUCCEEDED);
			assertThat(migratedOn(schema)).isEqualTo(cluster.primary().port());
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(readiness(context)).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
			assertThat(health(context)).isEqualTo(Status.UP);
		}
	}

	@ParameterizedTest
	@EnumSource(MigrationTool.class)
	void noMasterAtStartUpStartsRefusingTrafficAndMigratesWhenAMasterComes(MigrationTool tool) throws SQLException {
		String schema = createSchema();
		Path file = stateFile();
		RelationStateFiles.raw(cluster).egressNotAllowed().write(file);
		try (ConfigurableApplicationContext context = run(file, tool.succeeding(schema))) {
			assertThat(migrations(context, tool).state()).isEqualTo(State.WAITING_FOR_MASTER);
			assertThat(readiness(context)).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(health(context)).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(tableExists(schema, "migrated")).isFalse();

			RelationStateFiles.writeRaw(file, cluster);

			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(migrations(context, tool).state()).isEqualTo(State.SUCCEEDED));
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(readiness(context)).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
			assertThat(migratedOn(schema)).isEqualTo(cluster.primary().port());
			assertThat(health(context)).isEqualTo(Status.UP);
		}
	}

	@ParameterizedTest
	@EnumSource(MigrationTool.class)
	void failedMigrationIsReportedAndTriedAgainAtTheNextChangeOfMaster(MigrationTool tool) throws SQLException {
		String schema = createSchema();
		Path file = stateFile();
		RelationStateFiles.raw(cluster).egressNotAllowed().write(file);
		try (ConfigurableApplicationContext context = run(file, tool.gated(schema))) {
			RelationStateFiles.writeRaw(file, cluster);

			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(migrations(context, tool).state()).isEqualTo(State.FAILED));
			MigrationStatus failed = migrations(context, tool);
			assertThat(failed.error()).contains("migration_gate");
			assertThat(health(context)).isEqualTo(Status.DOWN);
			assertThat(readiness(context)).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(context.getBean(PgsqlRelationEndpoint.class).relation().migrations()).contains(failed);

			execute(schema, "CREATE TABLE migration_gate (id int)");
			RelationStateFiles.raw(cluster).egressNotAllowed().write(file);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(readiness(context)).isEqualTo(ReadinessState.REFUSING_TRAFFIC));
			RelationStateFiles.writeRaw(file, cluster);

			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(migrations(context, tool).state()).isEqualTo(State.SUCCEEDED));
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(readiness(context)).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
			assertThat(migratedOn(schema)).isEqualTo(cluster.primary().port());
		}
	}

	@ParameterizedTest
	@EnumSource(MigrationTool.class)
	void withDeferralOffStartUpFailsWithoutAMasterAsWithSpringBootAlone(MigrationTool tool) throws SQLException {
		String schema = createSchema();
		Path file = stateFile();
		RelationStateFiles.raw(cluster).egressNotAllowed().write(file);
		String[] args = tool.succeeding(schema);
		String[] withoutDeferral = java.util.Arrays.copyOf(args, args.length + 1);
		withoutDeferral[args.length] = "--pgsql.relation.migrations.defer=false";
		assertThatException().isThrownBy(() -> run(file, withoutDeferral).close())
			.havingRootCause()
			.isInstanceOf(RelationNotReadyException.class)
			.withMessageContaining("allowed-subnets");
	}

	private static ConfigurableApplicationContext run(Path stateFile, String... args) {
		return new SpringApplicationBuilder(IntegrationApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + stateFile, "spring.jpa.hibernate.ddl-auto=none",
					"spring.jpa.open-in-view=false", "pgsql.relation.pool.maximum-pool-size=4",
					"spring.main.banner-mode=off", "management.endpoints.web.exposure.include=pgsqlrelation")
			.run(args);
	}

	private static MigrationStatus migrations(ConfigurableApplicationContext context, MigrationTool tool) {
		return context.getBean(RelationMigrations.class)
			.status()
			.stream()
			.filter((status) -> status.tool().equals(tool.tool()))
			.findFirst()
			.orElseThrow();
	}

	private static ReadinessState readiness(ConfigurableApplicationContext context) {
		return context.getBean(ApplicationAvailability.class).getReadinessState();
	}

	private static Status health(ConfigurableApplicationContext context) {
		return context.getBean("pgsqlRelationMigrationsHealthIndicator", HealthIndicator.class).health().getStatus();
	}

	private static Path stateFile() {
		return directory.resolve("state-" + System.nanoTime() + ".json");
	}

	/** A schema of its own for each test, owned by the relation user. */
	private static String createSchema() throws SQLException {
		String schema = "migration_" + schemas.incrementAndGet();
		try (Connection connection = cluster.primary().connectAsSuperuser();
				Statement statement = connection.createStatement()) {
			statement
				.execute("CREATE SCHEMA " + schema + " AUTHORIZATION \"" + cluster.user().replace("\"", "\"\"") + "\"");
		}
		return schema;
	}

	private static void execute(String schema, String sql) throws SQLException {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("SET search_path TO " + schema);
			statement.execute(sql);
		}
	}

	private static boolean tableExists(String schema, String table) throws SQLException {
		try (Connection connection = cluster.primary().connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT to_regclass('" + schema + "." + table + "')")) {
			result.next();
			return result.getString(1) != null;
		}
	}

	private static int migratedOn(String schema) throws SQLException {
		try (Connection connection = cluster.primary().connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT server_port FROM " + schema + ".migrated")) {
			assertThat(result.next()).isTrue();
			return result.getInt(1);
		}
	}

}
