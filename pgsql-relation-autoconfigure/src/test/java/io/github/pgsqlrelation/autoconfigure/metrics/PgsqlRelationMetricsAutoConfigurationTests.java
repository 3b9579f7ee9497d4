package io.github.pgsqlrelation.autoconfigure.metrics;

import io.github.pgsqlrelation.autoconfigure.TestStateFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.autoconfigure.PgsqlRelationProperties;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.PoolCustomizer;
import io.github.pgsqlrelation.routing.ReadFallbackReason;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingListener;
import io.github.pgsqlrelation.routing.RoutingSettings;
import io.github.pgsqlrelation.test.RelationStateFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PgsqlRelationMetricsAutoConfiguration}, with servers that refuse
 * connections.
 */
class PgsqlRelationMetricsAutoConfigurationTests {

	private static final String MASTER_POOL = "pgsql-relation-db-master";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				PgsqlRelationMetricsAutoConfiguration.class))
		.withPropertyValues("pgsql.relation.pool.minimum-idle=0");

	@TempDir
	Path directory;

	@Test
	void poolMetersComeWithNewPoolsAndGoWithClosedOnes() {
		int masterPort = TestStateFiles.closedPort();
		int standbyPort = TestStateFiles.closedPort();
		String standbyPool = "pgsql-relation-db-standby-127.0.0.1-" + standbyPort;
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(masterPort), List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("hikaricp.connections").tag("pool", MASTER_POOL).gauge()).isNotNull();
			assertThat(registry.find("hikaricp.connections").tag("pool", standbyPool).gauge()).isNull();
			TestStateFiles.write(file, TestStateFiles.server(masterPort), List.of(TestStateFiles.server(standbyPort)));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(registry.find("hikaricp.connections").tag("pool", standbyPool).gauge())
					.isNotNull());
			TestStateFiles.write(file, TestStateFiles.server(masterPort), List.of());
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(registry.find("hikaricp.connections").tag("pool", standbyPool).meters())
					.isEmpty());
			assertThat(registry.find("hikaricp.connections").tag("pool", MASTER_POOL).gauge()).isNotNull();
		});
	}

	@Test
	void relationStateIsMetered() {
		Path file = this.directory.resolve("pgsql-relation.json");
		String master = TestStateFiles.server(TestStateFiles.closedPort());
		TestStateFiles.write(file, master, List.of(TestStateFiles.server(TestStateFiles.closedPort())));
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(RelationMetrics.CHANGES).tag("endpoint", "db").counter().count()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.READY).gauge().value()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.STANDBYS).gauge().value()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.STATE_FILE_PROBLEM).gauge().value()).isZero();
			TestStateFiles.write(file, master, List.of());
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(registry.get(RelationMetrics.CHANGES).counter().count()).isEqualTo(2));
			assertThat(registry.get(RelationMetrics.STANDBYS).gauge().value()).isZero();
			assertThat(registry.get(RelationMetrics.REFRESH).timer().count()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.STATE_FILE_ERRORS).counter().count()).isZero();
			RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": [");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(registry.get(RelationMetrics.STATE_FILE_PROBLEM).gauge().value())
					.isEqualTo(1));
			assertThat(registry.get(RelationMetrics.STATE_FILE_ERRORS).counter().count()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.CHANGES).counter().count()).isEqualTo(2);
		});
	}

	@Test
	void relationWithoutStateFileIsNotReady() {
		Path missing = this.directory.resolve("absent.json");
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + missing).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(RelationMetrics.READY).gauge().value()).isZero();
			assertThat(registry.get(RelationMetrics.STATE_FILE_PROBLEM).gauge().value()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.STATE_FILE_ERRORS).counter().count()).isEqualTo(1);
			assertThat(registry.get(RelationMetrics.CHANGES).counter().count()).isZero();
		});
	}

	@Test
	void applicationsOwnPoolMetricsTrackerIsKept() {
		Path missing = this.directory.resolve("absent.json");
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + missing).run((context) -> {
			PoolCustomizer customizer = context.getBean(PoolCustomizer.class);
			Backend backend = new Backend(Backend.Role.MASTER, "pgsql-relation-db-master", "127.0.0.1:5432", "");
			MetricsTrackerFactory own = (poolName, poolStats) -> new IMetricsTracker() {
			};
			HikariConfig application = new HikariConfig();
			application.setMetricsTrackerFactory(own);
			customizer.customize(backend, application);
			assertThat(application.getMetricsTrackerFactory()).isSameAs(own);
			HikariConfig plain = new HikariConfig();
			customizer.customize(backend, plain);
			assertThat(plain.getMetricsTrackerFactory()).isNotNull();
		});
	}

	@Test
	void readsAreCountedPerStandbyWithSkipsAndFallbacks() throws SQLException {
		MeterRegistry registry = new SimpleMeterRegistry();
		RoutingMetrics metrics = new RoutingMetrics(registry, "db");
		ConnectionString master = ConnectionString.parse(TestStateFiles.server(TestStateFiles.closedPort()));
		ConnectionString standby = ConnectionString.parse(TestStateFiles.server(TestStateFiles.closedPort()));
		HikariConfig template = new HikariConfig();
		template.setMinimumIdle(0);
		template.setConnectionTimeout(250);
		try (RelationRoutingDataSource dataSource = new RelationRoutingDataSource(template,
				RoutingSettings.defaults().withStandbyConnectionTimeout(Duration.ofMillis(250)), "db", metrics,
				PoolCustomizer.NONE)) {
			RelationSnapshot snapshot = new RelationSnapshot("db", new RelationRef("db", 7, "postgresql"), master,
					List.of(standby), "app", "15", Readiness.READY);
			dataSource.relationChanged(snapshot);
			String standbyPool = dataSource.topology().standbys().get(0).backend().name();
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
					try (Connection connection = dataSource.getConnection()) {
						connection.setReadOnly(true);
						connection.createStatement().close();
					}
				});
			}
			assertThat(registry.get(RoutingMetrics.SKIPS).tag("backend", standbyPool).counter().count()).isEqualTo(2);
			assertThat(
					registry.get(RoutingMetrics.SKIPS).tag("backend", standbyPool).counter().getId().getTag("reason"))
				.isEqualTo("failing");
			assertThat(registry.get(RoutingMetrics.FALLBACKS).tag("reason", "standbys-failing").counter().count())
				.isEqualTo(2);
			assertThat(registry.get(RoutingMetrics.FALLBACKS).counters()).hasSize(ReadFallbackReason.values().length)
				.filteredOn((counter) -> !"standbys-failing".equals(counter.getId().getTag("reason")))
				.allSatisfy((counter) -> assertThat(counter.count()).isZero());
			assertThat(registry.find(RoutingMetrics.READS).counters()).isEmpty();
		}
		assertThat(registry.find(RoutingMetrics.SKIPS).counters()).isEmpty();
	}

	@Test
	void standbyLagIsAGaugeFromItsFirstMeasureUntilItsPoolCloses() {
		MeterRegistry registry = new SimpleMeterRegistry();
		RoutingMetrics metrics = new RoutingMetrics(registry, "db");
		String name = "pgsql-relation-db-standby-127.0.0.1-5433";
		Backend standby = new Backend(Backend.Role.STANDBY, name, "127.0.0.1:5433", "");
		assertThat(registry.find(RoutingMetrics.STANDBY_LAG).gauges()).isEmpty();
		metrics.standbyLagMeasured(standby, Duration.ofMillis(3200), true);
		assertThat(registry.get(RoutingMetrics.STANDBY_LAG).tag("backend", name).gauge().value()).isEqualTo(3.2);
		assertThat(registry.get(RoutingMetrics.STANDBY_LAGGING).tag("backend", name).gauge().value()).isOne();
		metrics.standbySkippedForLag(standby);
		assertThat(registry.get(RoutingMetrics.SKIPS).tags("backend", name, "reason", "lagging").counter().count())
			.isOne();
		metrics.standbyLagMeasured(standby, null, false);
		assertThat(registry.get(RoutingMetrics.STANDBY_LAG).tag("backend", name).gauge().value()).isNaN();
		assertThat(registry.get(RoutingMetrics.STANDBY_LAGGING).tag("backend", name).gauge().value()).isZero();
		try (HikariDataSource pool = new HikariDataSource()) {
			metrics.poolClosed(standby, pool);
		}
		assertThat(registry.find(RoutingMetrics.STANDBY_LAG).gauges()).isEmpty();
		assertThat(registry.find(RoutingMetrics.STANDBY_LAGGING).gauges()).isEmpty();
		assertThat(registry.find(RoutingMetrics.SKIPS).counters()).isEmpty();
	}

	@Test
	void routingMetricsAreOfferedAsRoutingListener() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context).getBean(RoutingListener.class).isInstanceOf(RoutingMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class,
					PgsqlRelationMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RoutingMetrics.class)
				.doesNotHaveBean(PoolCustomizer.class));
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, TestStateFiles.server(TestStateFiles.closedPort()), List.of());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class,
					PgsqlRelationMetricsAutoConfiguration.class))
			.withPropertyValues("pgsql.relation.state-file=" + file)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RelationMetrics.class));
	}

	@Test
	void backsOffWithoutStateFile() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RelationMetrics.class));
	}

}
