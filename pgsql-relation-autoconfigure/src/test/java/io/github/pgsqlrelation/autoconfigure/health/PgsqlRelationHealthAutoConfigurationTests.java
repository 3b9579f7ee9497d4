package io.github.pgsqlrelation.autoconfigure.health;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PgsqlRelationHealthAutoConfiguration}, with servers that refuse
 * connections.
 */
class PgsqlRelationHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class,
						HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
						DataSourceHealthContributorAutoConfiguration.class, PgsqlRelationHealthAutoConfiguration.class))
		.withPropertyValues("pgsql.relation.pool.minimum-idle=0");

	@TempDir
	Path directory;

	@Test
	void pgsqlRelationContributorReplacesSpringBootsDbContributor() {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + stateFile(List.of())).run((context) -> {
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("pgsqlRelation")).isInstanceOf(PgsqlRelationHealthContributor.class);
			assertThat(registry.getContributor("db")).isNull();
			assertThat(registry.stream().map(HealthContributors.Entry::name)).doesNotContain("db");
		});
	}

	@Test
	void springBootsDbContributorCoversTheRoutingDataSourceWithoutIt() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class,
							HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
							DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("pgsql.relation.state-file=" + stateFile(List.of()))
			.run((context) -> assertThat(context.getBean(HealthContributorRegistry.class).getContributor("db"))
				.isNotNull());
	}

	@Test
	void applicationsOwnDbContributorIsKeptBesideOurs() {
		this.contextRunner.withUserConfiguration(OwnDbHealthConfiguration.class)
			.withPropertyValues("pgsql.relation.state-file=" + stateFile(List.of()))
			.run((context) -> {
				HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
				assertThat(registry.getContributor("db")).isSameAs(context.getBean("dbHealthIndicator"));
				assertThat(registry.getContributor("pgsqlRelation")).isInstanceOf(PgsqlRelationHealthContributor.class);
			});
	}

	@Test
	void backsOffWithoutSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.withPropertyValues("pgsql.relation.state-file=" + stateFile(List.of()))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PgsqlRelationHealthContributor.class));
	}

	@Test
	void backsOffWithoutStateFile() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PgsqlRelationHealthContributor.class);
				assertThat(context.getBean(HealthContributorRegistry.class).getContributor("db")).isNotNull();
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + stateFile(List.of()),
					"management.health.pgsqlrelation.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PgsqlRelationHealthContributor.class));
	}

	@Test
	void relationIsDownWithTheReasonWhenTheStateFileIsMissing() {
		Path missing = this.directory.resolve("absent.json");
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + missing).run((context) -> {
			CompositeHealthContributor contributor = context.getBean(PgsqlRelationHealthContributor.class);
			assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("relation");
			Health relation = health(contributor, "relation");
			assertThat(relation.getStatus()).isEqualTo(Status.DOWN);
			assertThat(relation.getDetails()).containsEntry("readiness", "NO_RELATION")
				.containsEntry("stateFile", missing.toString());
			assertThat((String) relation.getDetails().get("reason")).contains("does not exist");
		});
	}

	@Test
	void relationIsDownAndNamesEveryRelationWhenTheEndpointIsAmbiguous() {
		Path file = this.directory.resolve("pgsql-relation.json");
		StateFile.writeTwoRelations(file, StateFile.server(StateFile.closedPort()));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			CompositeHealthContributor contributor = context.getBean(PgsqlRelationHealthContributor.class);
			assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("relation");
			Health relation = health(contributor, "relation");
			assertThat(relation.getStatus()).isEqualTo(Status.DOWN);
			assertThat(relation.getDetails()).containsEntry("readiness", "AMBIGUOUS");
			assertThat(relation.getDetails().get("relations")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.hasSize(2)
				.anySatisfy((description) -> assertThat(description).asString().startsWith("db:7 (postgresql)"))
				.anySatisfy((description) -> assertThat(description).asString().startsWith("db:8 (postgresql-old)"));
		});
	}

	@Test
	void unreachableBackendsAreDownQuicklyWithDetailsButNoPassword() {
		int masterPort = StateFile.closedPort();
		int standbyPort = StateFile.closedPort();
		Path file = this.directory.resolve("pgsql-relation.json");
		StateFile.write(file, StateFile.server(masterPort), List.of(StateFile.server(standbyPort)));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			CompositeHealthContributor contributor = context.getBean(PgsqlRelationHealthContributor.class);
			assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("relation", "master",
					"standby-127.0.0.1-" + standbyPort);
			assertThat(health(contributor, "relation").getStatus()).isEqualTo(Status.UP);
			long start = System.nanoTime();
			Health master = health(contributor, "master");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(master.getStatus()).isEqualTo(Status.DOWN);
			assertThat(master.getDetails()).containsEntry("role", "master")
				.containsEntry("address", "127.0.0.1:" + masterPort)
				.containsEntry("database", "app")
				.containsEntry("pool", "pgsql-relation-db-master")
				.containsKeys("active", "idle", "total", "waiting", "error");
			Health standby = health(contributor, "standby-127.0.0.1-" + standbyPort);
			assertThat(standby.getStatus()).isEqualTo(Status.DOWN);
			assertThat(standby.getDetails()).containsEntry("role", "standby");
			assertThat(master.toString() + standby + health(contributor, "relation"))
				.doesNotContain(StateFile.PASSWORD);
		});
	}

	@Test
	void membersFollowTheRelationWithoutRestart() {
		int masterPort = StateFile.closedPort();
		int standbyPort = StateFile.closedPort();
		Path file = this.directory.resolve("pgsql-relation.json");
		StateFile.write(file, StateFile.server(masterPort), List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			CompositeHealthContributor contributor = context.getBean(PgsqlRelationHealthContributor.class);
			assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("relation", "master");
			StateFile.write(file, StateFile.server(masterPort), List.of(StateFile.server(standbyPort)));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(contributor.stream().map(HealthContributors.Entry::name))
					.containsExactly("relation", "master", "standby-127.0.0.1-" + standbyPort));
			assertThat(contributor.getContributor("standby-127.0.0.1-" + standbyPort)).isNotNull();
		});
	}

	@Test
	void healthEndpointShowsTheRelationAndEachBackendByPath() {
		int standbyPort = StateFile.closedPort();
		Path file = this.directory.resolve("pgsql-relation.json");
		StateFile.write(file, StateFile.server(StateFile.closedPort()), List.of(StateFile.server(standbyPort)));
		this.contextRunner.withConfiguration(AutoConfigurations.of(HealthEndpointAutoConfiguration.class))
			.withPropertyValues("pgsql.relation.state-file=" + file, "management.endpoint.health.show-details=always")
			.run((context) -> {
				HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
				HealthDescriptor relation = endpoint.healthForPath("pgsqlRelation");
				assertThat(relation).isInstanceOf(CompositeHealthDescriptor.class);
				assertThat(relation.getStatus()).isEqualTo(Status.DOWN);
				assertThat(((CompositeHealthDescriptor) relation).getComponents()).containsOnlyKeys("relation",
						"master", "standby-127.0.0.1-" + standbyPort);
				HealthDescriptor standby = endpoint.healthForPath("pgsqlRelation", "standby-127.0.0.1-" + standbyPort);
				assertThat(standby).isNotNull();
				assertThat(standby.getStatus()).isEqualTo(Status.DOWN);
				assertThat(((CompositeHealthDescriptor) endpoint.health()).getComponents()).containsKey("pgsqlRelation")
					.doesNotContainKey("db");
			});
	}

	private Path stateFile(List<String> standbys) {
		Path file = this.directory.resolve("pgsql-relation.json");
		StateFile.write(file, StateFile.server(StateFile.closedPort()), standbys);
		return file;
	}

	static Health health(CompositeHealthContributor contributor, String name) {
		HealthContributor member = contributor.getContributor(name);
		assertThat(member).as(name).isInstanceOf(HealthIndicator.class);
		Health health = ((HealthIndicator) member).health();
		assertThat(health).isNotNull();
		return health;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDbHealthConfiguration {

		@Bean
		HealthIndicator dbHealthIndicator() {
			return () -> Health.up().build();
		}

	}

}
