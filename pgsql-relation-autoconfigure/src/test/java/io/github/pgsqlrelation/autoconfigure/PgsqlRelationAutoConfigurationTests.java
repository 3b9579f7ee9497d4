package io.github.pgsqlrelation.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.relation.DatabaseAvailableEvent;
import io.github.pgsqlrelation.relation.DatabaseChangedEvent;
import io.github.pgsqlrelation.relation.DatabaseRelationJoinedEvent;
import io.github.pgsqlrelation.relation.MasterAvailableEvent;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.StandbyAvailableEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PgsqlRelationAutoConfiguration}.
 */
class PgsqlRelationAutoConfigurationTests {

	private static final String MASTER = "dbname=app host=10.0.0.5 port=5432 user=relation-7 password=s3cret";

	private static final String STANDBY = "dbname=app host=10.0.0.6 port=5432 user=relation-7 password=s3cret";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void autoConfigurationBacksOffWithoutStateFileAndSpringDatasourceApplies() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RelationStateWatcher.class)
					.doesNotHaveBean(RelationRoutingDataSource.class);
				assertThat(context).getBean(DataSource.class).isInstanceOf(HikariDataSource.class);
			});
	}

	@Test
	void stateFilePropertyProvidesRoutingDataSource() {
		Path file = writeState(MASTER, List.of(STANDBY));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			assertThat(context).hasSingleBean(RelationStateWatcher.class);
			assertThat(context).getBean(DataSource.class).isInstanceOf(RelationRoutingDataSource.class);
		});
	}

	@Test
	void busyStandbysWaitByDefaultAndCanSpillOverToTheMaster() {
		Path file = writeState(MASTER, List.of(STANDBY));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context.getBean(PgsqlRelationProperties.class).getRouting().getBusyStandbys())
				.isEqualTo(RoutingSettings.BusyStandbys.WAIT));
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.routing.busy-standbys=use-master")
			.run((context) -> assertThat(context.getBean(PgsqlRelationProperties.class).getRouting().getBusyStandbys())
				.isEqualTo(RoutingSettings.BusyStandbys.USE_MASTER));
	}

	@Test
	void environmentVariableTurnsTheStarterOn() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("PGSQL_RELATION_STATE_FILE", file.toString()))))
			.run((context) -> assertThat(context).getBean(RelationStateWatcher.class)
				.extracting(RelationStateWatcher::file)
				.isEqualTo(file));
	}

	@Test
	void routingDataSourceBacksOffWhenUserProvidesDataSource() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.withUserConfiguration(UserDataSourceConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RelationRoutingDataSource.class);
				assertThat(context).getBean(DataSource.class).isInstanceOf(SimpleDriverDataSource.class);
				assertThat(context).hasSingleBean(RelationStateWatcher.class);
			});
	}

	@Test
	void stateFileThatIsADirectoryFailsWithAnExplanation() {
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + this.directory).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPgsqlRelationPropertyException.class)
				.hasMessageContaining("pgsql.relation.state-file")
				.hasMessageContaining("is a directory");
		});
	}

	@Test
	void maxStandbyLagThatIsNotPositiveIsRejectedByItsPropertyName() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.routing.max-standby-lag=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPgsqlRelationPropertyException.class)
					.hasMessageContaining("pgsql.relation.routing.max-standby-lag")
					.hasMessageContaining("is not positive");
			});
	}

	@Test
	void poolPasswordIsRejectedWithoutShowingIt() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.pool.password=hunter2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("pgsql.relation.pool.password")
					.hasMessageNotContaining("hunter2");
			});
	}

	@Test
	void poolSettingsTheRoutingMakesItselfAreRejectedRatherThanIgnored() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.pool.pool-name=myapp-pool")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPgsqlRelationPropertyException.class)
					.hasMessageContaining("pgsql.relation.pool.pool-name")
					.hasMessageContaining("every pool is named after its backend");
			});
	}

	@Test
	void poolJdbcUrlIsRejectedWithoutShowingTheSecretItHolds() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file,
					"pgsql.relation.pool.jdbc-url=jdbc:postgresql://10.0.0.5/app?password=hunter2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("pgsql.relation.pool.jdbc-url")
					.hasMessageNotContaining("hunter2");
			});
	}

	@Test
	void missingStateFileStartsAndExplainsWhyConnectionsFail() {
		Path file = this.directory.resolve("absent.json");
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource dataSource = context.getBean(DataSource.class);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connectAndQuery(dataSource))
				.withMessageContaining(file.toString())
				.withMessageContaining("does not exist");
		});
	}

	@Test
	void initialEventsReachListenersInTheSeedsOrder() {
		Path file = writeState(MASTER, List.of(STANDBY));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.withUserConfiguration(RecordingListenerConfiguration.class)
			.run((context) -> assertThat(context.getBean(RecordingListener.class).events)
				.extracting((event) -> event.getClass().getSimpleName())
				.containsExactly(DatabaseRelationJoinedEvent.class.getSimpleName(),
						MasterAvailableEvent.class.getSimpleName(), MasterChangedEvent.class.getSimpleName(),
						StandbyAvailableEvent.class.getSimpleName(), StandbyChangedEvent.class.getSimpleName(),
						DatabaseAvailableEvent.class.getSimpleName(), DatabaseChangedEvent.class.getSimpleName()));
	}

	@Test
	void rewrittenStateFileIsPublishedWithoutRestart() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.withUserConfiguration(RecordingListenerConfiguration.class)
			.run((context) -> {
				RecordingListener listener = context.getBean(RecordingListener.class);
				listener.events.clear();
				writeState(MASTER.replace("10.0.0.5", "10.0.0.9"), List.of());
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(listener.events).filteredOn(MasterChangedEvent.class::isInstance)
						.singleElement()
						.satisfies((event) -> assertThat(event.master().get("host")).isEqualTo("10.0.0.9")));
			});
	}

	@Test
	void invalidRewriteKeepsTheLastGoodStateAndSaysWhy() {
		Path file = writeState(MASTER, List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			RelationStateWatcher watcher = context.getBean(RelationStateWatcher.class);
			writeAtomically(file, "{\"version\": 1, \"relations\": [");
			await().atMost(Duration.ofSeconds(5)).until(() -> watcher.status().problem() != null);
			assertThat(watcher.status().problem()).contains(file.toString());
			assertThat(watcher.current().master()).isNotNull();
			assertThat(watcher.current().master().get("host")).isEqualTo("10.0.0.5");
		});
	}

	private static void connectAndQuery(DataSource dataSource) throws SQLException {
		// The DataSource hands out lazy connections: a statement is what really connects.
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

	private Path writeState(String master, List<String> standbys) {
		Path file = this.directory.resolve("pgsql-relation.json");
		StringBuilder json = new StringBuilder();
		json.append("{\"version\": 1, \"relations\": [{\"shape\": \"resolved\", \"endpoint\": \"db\", ");
		json.append("\"relation-id\": 7, \"remote-app\": \"postgresql\", \"database\": \"app\", ");
		json.append("\"master\": \"").append(master).append("\", \"standbys\": [");
		for (int i = 0; i < standbys.size(); i++) {
			json.append((i > 0) ? ", " : "").append('"').append(standbys.get(i)).append('"');
		}
		json.append("]}]}");
		writeAtomically(file, json.toString());
		return file;
	}

	private void writeAtomically(Path file, String content) {
		try {
			Path temporary = Files.createTempFile(file.getParent(), ".pgsql-relation", ".tmp");
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		DataSource userDataSource() {
			return new SimpleDriverDataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingListenerConfiguration {

		@Bean
		RecordingListener recordingListener() {
			return new RecordingListener();
		}

	}

	static class RecordingListener {

		final List<RelationEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(RelationEvent event) {
			this.events.add(event);
		}

	}

}
