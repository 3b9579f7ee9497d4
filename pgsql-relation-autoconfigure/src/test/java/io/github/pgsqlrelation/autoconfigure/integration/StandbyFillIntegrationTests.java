package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through the auto-configuration, against a real primary and standby: the standbys' pools
 * keep no idle connection while the application starts, and their settings' minimum-idle
 * once it is ready; the master's pool fills from the start.
 */
class StandbyFillIntegrationTests {

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start(1);
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void theStandbysPoolsWaitToFillWhileTheApplicationStartsAndFillOnceItIsReady() {
		Path file = directory.resolve("state.json");
		RelationStateFiles.writeResolved(file, cluster);
		List<Integer> standbyMinimumIdleWhenStarted = new CopyOnWriteArrayList<>();
		ApplicationListener<ApplicationStartedEvent> whenStarted = (
				event) -> pools(event.getApplicationContext(), Backend.Role.STANDBY).forEach(
						(pool) -> standbyMinimumIdleWhenStarted.add(pool.getHikariConfigMXBean().getMinimumIdle()));
		this.context = new SpringApplicationBuilder(IntegrationApplication.class).web(WebApplicationType.NONE)
			.listeners(whenStarted)
			.properties("pgsql.relation.state-file=" + file, "spring.jpa.hibernate.ddl-auto=none",
					"spring.main.banner-mode=off", "pgsql.relation.pool.maximum-pool-size=4",
					"pgsql.relation.pool.minimum-idle=2")
			.run();
		assertThat(standbyMinimumIdleWhenStarted).containsExactly(0);
		assertThat(pools(this.context, Backend.Role.STANDBY)).singleElement()
			.satisfies((pool) -> assertThat(pool.getHikariConfigMXBean().getMinimumIdle()).isEqualTo(2));
		assertThat(pools(this.context, Backend.Role.MASTER)).singleElement()
			.satisfies((pool) -> assertThat(pool.getHikariConfigMXBean().getMinimumIdle()).isEqualTo(2));
	}

	private static List<HikariDataSource> pools(ApplicationContext context, Backend.Role role) {
		return context.getBean(RecordingRoutingListener.class).created(role);
	}

}
