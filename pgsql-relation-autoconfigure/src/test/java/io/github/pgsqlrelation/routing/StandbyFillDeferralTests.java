package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.routing.Relations.connectionString;
import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Standby pools that wait to fill while an application starts, against a real primary and
 * standby.
 */
class StandbyFillDeferralTests {

	private static final String MASTER = "pgsql-relation-db-master";

	private static final Duration FILLED = Duration.ofSeconds(10);

	private static PostgresCluster cluster;

	private final RecordingListener listener = new RecordingListener();

	private RelationRoutingDataSource dataSource;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.builder().standbys(1).start();
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeDataSource() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@Test
	void whileDeferredAStandbysPoolOpensNoConnectionUntilAReadAsksForOne() {
		routing(template(2));
		this.dataSource.setStandbyFillDeferred(true);
		publish(this.dataSource, snapshot(cluster));
		HikariDataSource master = this.listener.created.get(MASTER);
		HikariDataSource standby = standbyPool();
		// The master's pool fills from its creation; the standby's would at HikariCP's
		// first housekeeping run.
		await().atMost(FILLED).until(() -> master.getHikariPoolMXBean().getIdleConnections() == 2);
		assertThat(standby.getHikariPoolMXBean().getTotalConnections()).isZero();
		assertThat(standby.getHikariConfigMXBean().getMinimumIdle()).isZero();
		assertThat(new Servers(this.dataSource).whereReadsRun().port()).isEqualTo(cluster.standbys().get(0).port());
		assertThat(standby.getHikariPoolMXBean().getTotalConnections()).isOne();
	}

	@Test
	void whenTheDeferralEndsAStandbysPoolKeepsItsSettingsMinimumIdle() {
		routing(template(2));
		this.dataSource.setStandbyFillDeferred(true);
		publish(this.dataSource, snapshot(cluster));
		this.dataSource.setStandbyFillDeferred(false);
		assertThat(standbyPool().getHikariConfigMXBean().getMinimumIdle()).isEqualTo(2);
		assertThat(this.listener.created.get(MASTER).getHikariConfigMXBean().getMinimumIdle()).isEqualTo(2);
	}

	@Test
	void aMinimumIdleLeftToHikariCpComesBackAsTheMaximumPoolSize() {
		HikariConfig template = new HikariConfig();
		template.setMaximumPoolSize(3);
		template.setConnectionTimeout(2000);
		routing(template);
		this.dataSource.setStandbyFillDeferred(true);
		publish(this.dataSource, snapshot(cluster));
		this.dataSource.setStandbyFillDeferred(false);
		assertThat(standbyPool().getHikariConfigMXBean().getMinimumIdle()).isEqualTo(3);
	}

	@Test
	void aStandbyThatJoinsAfterTheDeferralEndedFillsAtOnce() {
		routing(template(1));
		this.dataSource.setStandbyFillDeferred(true);
		publish(this.dataSource, snapshot(connectionString(cluster.primary()), List.of()));
		this.dataSource.setStandbyFillDeferred(false);
		publish(this.dataSource, snapshot(cluster));
		HikariDataSource standby = standbyPool();
		await().atMost(FILLED).until(() -> standby.getHikariPoolMXBean().getIdleConnections() == 1);
	}

	@Test
	void withoutDeferralAStandbysPoolFillsAsItsSettingsSay() {
		routing(template(2));
		publish(this.dataSource, snapshot(cluster));
		HikariDataSource standby = standbyPool();
		await().atMost(FILLED).until(() -> standby.getHikariPoolMXBean().getIdleConnections() == 2);
	}

	@Test
	void aDeferralAppliesToStandbyPoolsMadeAfterIt() {
		routing(template(2));
		publish(this.dataSource, snapshot(cluster));
		this.dataSource.setStandbyFillDeferred(true);
		assertThat(standbyPool().getHikariConfigMXBean().getMinimumIdle()).isEqualTo(2);
	}

	private void routing(HikariConfig template) {
		this.dataSource = new RelationRoutingDataSource(template, RoutingSettings.defaults(), "db", this.listener,
				PoolCustomizer.NONE);
	}

	private HikariDataSource standbyPool() {
		return this.listener.created.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith("pgsql-relation-db-standby"))
			.map((entry) -> entry.getValue())
			.findFirst()
			.orElseThrow();
	}

	private static HikariConfig template(int minimumIdle) {
		HikariConfig template = Relations.poolTemplate();
		template.setMinimumIdle(minimumIdle);
		template.setMaximumPoolSize(3);
		return template;
	}

}
