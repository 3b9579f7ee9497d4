package io.github.pgsqlrelation.autoconfigure.health;

import java.nio.file.Path;
import java.time.Duration;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint.PoolDescriptor;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpointAutoConfiguration;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.pgsqlrelation.autoconfigure.health.PgsqlRelationHealthAutoConfigurationTests.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The {@code pgsqlRelation} health against a real primary and standby.
 */
class PgsqlRelationHealthClusterTests {

	private static PostgresCluster cluster;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, HealthContributorAutoConfiguration.class,
						HealthContributorRegistryAutoConfiguration.class, PgsqlRelationHealthAutoConfiguration.class))
		.withPropertyValues("pgsql.relation.pool.minimum-idle=0");

	@TempDir
	Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.builder().standbys(1).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void backendsAreUpAndAStoppedStandbyIsDownUntilItComesBack() {
		Path file = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(file, cluster);
		PostgresNode standby = cluster.standbys().get(0);
		String standbyMember = "standby-127.0.0.1-" + standby.port();
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			CompositeHealthContributor contributor = context.getBean(PgsqlRelationHealthContributor.class);
			assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("relation", "master",
					standbyMember);
			assertThat(health(contributor, "relation").getStatus()).isEqualTo(Status.UP);
			Health master = health(contributor, "master");
			assertThat(master.getStatus()).isEqualTo(Status.UP);
			assertThat(master.getDetails()).containsEntry("address", "127.0.0.1:" + cluster.primary().port())
				.containsEntry("database", cluster.database());
			assertThat((int) master.getDetails().get("total")).isPositive();
			assertThat(health(contributor, standbyMember).getStatus()).isEqualTo(Status.UP);
			// Without max-standby-lag nothing is measured, and health says nothing of it.
			assertThat(health(contributor, standbyMember).getDetails()).doesNotContainKeys("lag", "lagging");
			cluster.stop(standby);
			try {
				long start = System.nanoTime();
				Health stopped = health(contributor, standbyMember);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
				assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
				assertThat(stopped.getDetails()).containsKey("error");
				assertThat(health(contributor, "master").getStatus()).isEqualTo(Status.UP);
			}
			finally {
				cluster.start(standby);
			}
			assertThat(health(contributor, standbyMember).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void aStandbysLagIsShownByHealthAndTheEndpointOnceMaxStandbyLagIsSet() {
		Path file = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(file, cluster);
		String standbyMember = "standby-127.0.0.1-" + cluster.standbys().get(0).port();
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					JacksonEndpointAutoConfiguration.class, PgsqlRelationEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=pgsqlrelation",
					"pgsql.relation.state-file=" + file, "pgsql.relation.routing.max-standby-lag=5s",
					"pgsql.relation.routing.standby-lag-probe-interval=100ms")
			.run((context) -> {
				CompositeHealthContributor contributor = context.getBean(PgsqlRelationHealthContributor.class);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(health(contributor, standbyMember).getDetails())
						.containsEntry("lag", "PT0S")
						.containsEntry("lagging", false));
				assertThat(health(contributor, "master").getDetails()).doesNotContainKeys("lag", "lagging");
				assertThat(context.getBean(PgsqlRelationEndpoint.class).relation().pools())
					.extracting(PoolDescriptor::role, PoolDescriptor::lag, PoolDescriptor::lagging)
					.containsExactly(tuple("master", null, false), tuple("standby", Duration.ZERO, false));
			});
	}

}
