package io.github.pgsqlrelation.autoconfigure.availability;

import io.github.pgsqlrelation.autoconfigure.TestStateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PgsqlRelationAvailabilityAutoConfiguration}: whole applications,
 * because Spring Boot declares readiness only at the end of
 * {@code SpringApplication.run}.
 */
class PgsqlRelationAvailabilityAutoConfigurationTests {

	private static final Duration CHANGE = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	@Test
	void applicationWithoutMasterRefusesTrafficAfterStartingAndAcceptsItOnceAMasterComes() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.writeWithoutMaster(file);
		try (ConfigurableApplicationContext context = run(file)) {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
			await().atMost(CHANGE)
				.untilAsserted(
						() -> assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
		}
	}

	@Test
	void applicationRefusesTrafficWhenTheMasterGoes() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		try (ConfigurableApplicationContext context = run(file)) {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			TestStateFiles.writeWithoutMaster(file);
			await().atMost(CHANGE)
				.untilAsserted(
						() -> assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC));
		}
	}

	@Test
	void missingStateFileMeansRefusingTraffic() {
		try (ConfigurableApplicationContext context = run(this.directory.resolve("absent.json"))) {
			assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
				.isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		}
	}

	@Test
	void applicationsOwnRefusalIsNotTakenBack() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.writeWithoutMaster(file);
		try (ConfigurableApplicationContext context = run(file)) {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
			await().atMost(CHANGE).until(() -> context.getBean(RelationStateWatcher.class).current().master() != null);
			// The watcher publishes the change's events right after taking it in.
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(2))
				.untilAsserted(
						() -> assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC));
		}
	}

	@Test
	void backsOffWithoutStateFile() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class,
					ApplicationAvailabilityAutoConfiguration.class, PgsqlRelationAvailabilityAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RelationReadiness.class));
	}

	private static ConfigurableApplicationContext run(Path stateFile) {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + stateFile, "pgsql.relation.pool.minimum-idle=0",
					"spring.main.banner-mode=off")
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PgsqlRelationAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
			PgsqlRelationAvailabilityAutoConfiguration.class })
	static class TestApplication {

	}

}
