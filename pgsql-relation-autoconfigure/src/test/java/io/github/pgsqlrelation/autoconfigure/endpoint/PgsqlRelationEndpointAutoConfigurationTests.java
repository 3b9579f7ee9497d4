package io.github.pgsqlrelation.autoconfigure.endpoint;

import io.github.pgsqlrelation.autoconfigure.TestStateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint.PgsqlRelationDescriptor;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint.PoolDescriptor;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint.RelationDescriptor;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PgsqlRelationEndpointAutoConfiguration} and
 * {@link PgsqlRelationEndpoint}.
 */
class PgsqlRelationEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, EndpointAutoConfiguration.class,
				JacksonEndpointAutoConfiguration.class, PgsqlRelationEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=pgsqlrelation");

	@TempDir
	Path directory;

	@Test
	void endpointShowsTheRelationTheApplicationUses() {
		int masterPort = TestStateFiles.closedPort();
		int standbyPort = TestStateFiles.closedPort();
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(masterPort), List.of(TestStateFiles.server(standbyPort)));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			PgsqlRelationDescriptor descriptor = context.getBean(PgsqlRelationEndpoint.class).relation();
			assertThat(descriptor.endpoint()).isEqualTo("db");
			RelationDescriptor effective = descriptor.effective();
			assertThat(effective.relationId()).isEqualTo(7);
			assertThat(effective.remoteApp()).isEqualTo("postgresql");
			assertThat(effective.readiness()).isEqualTo("READY");
			assertThat(effective.reason()).isNull();
			assertThat(effective.database()).isEqualTo("app");
			assertThat(effective.version()).isEqualTo("15.10");
			assertThat(effective.master()).contains("port=" + masterPort).contains("password=******");
			assertThat(effective.standbys()).singleElement().asString().contains("port=" + standbyPort);
			assertThat(descriptor.relations()).containsExactly(effective);
			assertThat(descriptor.lastChange()).isNotNull();
			assertThat(descriptor.stateFile().path()).isEqualTo(file.toString());
			assertThat(descriptor.stateFile().problem()).isNull();
			assertThat(descriptor.pools())
				.extracting(PoolDescriptor::name, PoolDescriptor::role, PoolDescriptor::address,
						PoolDescriptor::retiring)
				.containsExactly(tuple("pgsql-relation-db-master", "master", "127.0.0.1:" + masterPort, false),
						tuple("pgsql-relation-db-standby-127.0.0.1-" + standbyPort, "standby",
								"127.0.0.1:" + standbyPort, false));
			// Lag-aware routing is off by default: no lag is measured.
			assertThat(descriptor.pools()).extracting(PoolDescriptor::lag, PoolDescriptor::lagging)
				.containsOnly(tuple(null, false));
		});
	}

	@Test
	void endpointSaysWhyTheRelationIsNotReadyAndShowsTheStateFileProblem() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			PgsqlRelationEndpoint endpoint = context.getBean(PgsqlRelationEndpoint.class);
			RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": [");
			await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.relation().stateFile().problem() != null);
			PgsqlRelationDescriptor descriptor = endpoint.relation();
			assertThat(descriptor.stateFile().problem()).contains(file.toString());
			assertThat(descriptor.stateFile().problemTime()).isNotNull();
			assertThat(descriptor.effective().readiness()).isEqualTo("READY");
		});
		Path missing = this.directory.resolve("absent.json");
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + missing).run((context) -> {
			RelationDescriptor effective = context.getBean(PgsqlRelationEndpoint.class).relation().effective();
			assertThat(effective.readiness()).isEqualTo("NO_RELATION");
			assertThat(effective.reason()).contains("does not exist");
			assertThat(effective.master()).isNull();
		});
	}

	@Test
	void endpointListsEveryRelationWhenTheEndpointIsAmbiguous() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.writeTwoRelations(file, TestStateFiles.server(TestStateFiles.closedPort()));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			PgsqlRelationDescriptor descriptor = context.getBean(PgsqlRelationEndpoint.class).relation();
			assertThat(descriptor.effective().readiness()).isEqualTo("AMBIGUOUS");
			assertThat(descriptor.effective().reason()).isNotBlank();
			assertThat(descriptor.effective().master()).isNull();
			assertThat(descriptor.relations()).extracting(RelationDescriptor::relationId, RelationDescriptor::remoteApp)
				.containsExactly(tuple(7, "postgresql"), tuple(8, "postgresql-old"));
			assertThat(descriptor.pools()).isEmpty();
		});
	}

	@Test
	void endpointJsonNamesEverythingAndShowsNoPassword() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()),
				List.of(TestStateFiles.server(TestStateFiles.closedPort())));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			String json = context.getBean(EndpointJsonMapper.class)
				.get()
				.writeValueAsString(context.getBean(PgsqlRelationEndpoint.class).relation());
			assertThat(json).doesNotContain(TestStateFiles.PASSWORD)
				.contains("\"relationId\":7", "\"remoteApp\":\"postgresql\"", "\"readiness\":\"READY\"",
						"\"version\":\"15.10\"", "password=******", "\"lastChange\":\"20", "\"pools\":[",
						"\"role\":\"standby\"", "\"active\":0");
		});
	}

	@Test
	void endpointIsAbsentUnlessExposed() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class,
					EndpointAutoConfiguration.class, PgsqlRelationEndpointAutoConfiguration.class))
			.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context).doesNotHaveBean(PgsqlRelationEndpoint.class));
	}

	@Test
	void backsOffWithoutActuator() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PgsqlRelationEndpoint.class));
	}

	@Test
	void backsOffWithoutStateFile() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PgsqlRelationEndpoint.class));
	}

}
