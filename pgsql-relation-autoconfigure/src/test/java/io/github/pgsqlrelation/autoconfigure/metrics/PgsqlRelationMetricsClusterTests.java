package io.github.pgsqlrelation.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.PoolCustomizer;
import io.github.pgsqlrelation.routing.ReadFallbackReason;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingSettings;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relation's metrics against a real primary with two standbys.
 */
class PgsqlRelationMetricsClusterTests {

	private static PostgresCluster cluster;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				PgsqlRelationMetricsAutoConfiguration.class))
		.withPropertyValues("pgsql.relation.pool.minimum-idle=0");

	@TempDir
	Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.builder().standbys(2).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void poolMetersFollowTheRelationAndCountConnections() {
		Path file = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(file, cluster);
		PostgresNode kept = cluster.standbys().get(0);
		PostgresNode removed = cluster.standbys().get(1);
		String keptPool = "pgsql-relation-db-standby-127.0.0.1-" + kept.port();
		String removedPool = "pgsql-relation-db-standby-127.0.0.1-" + removed.port();
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("hikaricp.connections").tags("pool", keptPool).gauge()).isNotNull();
			assertThat(registry.find("hikaricp.connections").tags("pool", removedPool).gauge()).isNotNull();
			RelationRoutingDataSource dataSource = context.getBean(RelationRoutingDataSource.class);
			new JdbcTemplate(dataSource).queryForObject("select 1", Integer.class);
			assertThat(registry.get("hikaricp.connections").tags("pool", "pgsql-relation-db-master").gauge().value())
				.isPositive();
			RelationStateFiles.resolved(cluster).standbys(List.of(kept)).write(file);
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(
						() -> assertThat(registry.find("hikaricp.connections").tags("pool", removedPool).meters())
							.isEmpty());
			assertThat(registry.find("hikaricp.connections").tags("pool", keptPool).gauge()).isNotNull();
			assertThat(registry.get(RelationMetrics.CHANGES).counter().count()).isEqualTo(2);
			assertThat(registry.get(RelationMetrics.STANDBYS).gauge().value()).isEqualTo(1);
		});
	}

	@Test
	void readsThroughTheAutoConfiguredDataSourceAreCountedPerStandby() {
		Path file = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(file, cluster);
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			RelationRoutingDataSource dataSource = context.getBean(RelationRoutingDataSource.class);
			TransactionTemplate reads = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			reads.setReadOnly(true);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			for (int i = 0; i < 4; i++) {
				reads.executeWithoutResult((status) -> jdbc.queryForObject("select 1", Integer.class));
			}
			assertThat(registry.get(RoutingMetrics.READS).counters()).hasSize(2)
				.allSatisfy((counter) -> assertThat(counter.count()).isEqualTo(2));
			// Lag-aware routing is off by default: nothing is measured.
			assertThat(registry.find(RoutingMetrics.STANDBY_LAG).gauges()).isEmpty();
		});
	}

	@Test
	void readsAreCountedPerStandby() {
		MeterRegistry registry = new SimpleMeterRegistry();
		HikariConfig template = new HikariConfig();
		template.setMinimumIdle(0);
		template.setMaximumPoolSize(2);
		try (RelationRoutingDataSource dataSource = new RelationRoutingDataSource(template, RoutingSettings.defaults(),
				"db", new RoutingMetrics(registry, "db"), PoolCustomizer.NONE)) {
			List<ConnectionString> standbys = cluster.standbys()
				.stream()
				.map((node) -> ConnectionString.parse(node.connectionString()))
				.toList();
			RelationSnapshot snapshot = new RelationSnapshot("db", new RelationRef("db", 7, "postgresql"),
					ConnectionString.parse(cluster.primary().connectionString()), standbys, cluster.database(), null,
					Readiness.READY);
			dataSource.relationChanged(snapshot);
			TransactionTemplate reads = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			reads.setReadOnly(true);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			for (int i = 0; i < 4; i++) {
				reads.executeWithoutResult((status) -> jdbc.queryForObject("select 1", Integer.class));
			}
			for (PostgresNode standby : cluster.standbys()) {
				assertThat(registry.get(RoutingMetrics.READS)
					.tags("backend", "pgsql-relation-db-standby-127.0.0.1-" + standby.port())
					.counter()
					.count()).isEqualTo(2);
			}
			assertThat(registry.get(RoutingMetrics.FALLBACKS).counters()).hasSize(ReadFallbackReason.values().length)
				.allSatisfy((counter) -> assertThat(counter.count()).isZero());
			reads.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
			reads.executeWithoutResult((status) -> jdbc.queryForObject("select 1", Integer.class));
			assertThat(registry.get(RoutingMetrics.FALLBACKS).tag("reason", "serializable").counter().count()).isOne();
		}
	}

	@Test
	void eachStandbysLagIsAGaugeOnceMaxStandbyLagIsSet() {
		Path file = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeResolved(file, cluster);
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.routing.max-standby-lag=5s",
					"pgsql.relation.routing.standby-lag-probe-interval=100ms")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(registry.find(RoutingMetrics.STANDBY_LAG).gauges()).hasSize(2));
				for (PostgresNode standby : cluster.standbys()) {
					String backend = "pgsql-relation-db-standby-127.0.0.1-" + standby.port();
					// An idle, caught-up standby: the LSNs match, whatever its last
					// replay's age.
					assertThat(registry.get(RoutingMetrics.STANDBY_LAG).tag("backend", backend).gauge().value())
						.isZero();
					assertThat(registry.get(RoutingMetrics.STANDBY_LAGGING).tag("backend", backend).gauge().value())
						.isZero();
				}
				assertThat(registry.get(RoutingMetrics.FALLBACKS).tag("reason", "standbys-lagging").counter().count())
					.isZero();
			});
	}

}
