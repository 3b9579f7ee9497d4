package io.github.pgsqlrelation.testcontainers;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @ServiceConnection} on a cluster bean wires the starter, and the application
 * follows the cluster through a switchover and then a crash of the new primary and a
 * failover, with no restart: the cluster rewrites the relation state file each time.
 */
@SpringBootTest(classes = { ContainerTestApplication.class, ServiceConnectionBeanTests.Clusters.class })
class ServiceConnectionBeanTests {

	private static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	ContainerCluster cluster;

	@Autowired
	NodeService service;

	@Test
	void applicationFollowsASwitchoverAndAFailover() {
		ContainerNode first = this.cluster.primary();
		assertThat(this.service.write("before")).isEqualTo(first.name());

		ContainerNode second = this.cluster.standbys().get(0);
		this.cluster.switchover(second);
		await().atMost(FOLLOW_TIMEOUT)
			.ignoreExceptions()
			.until(() -> second.name().equals(this.service.write("switched")));
		assertThat(this.cluster.nodes()).contains(first);
		assertThat(first.isRunning()).isFalse();

		ContainerNode third = this.cluster.standbys().get(0);
		this.cluster.awaitReplication();
		this.cluster.kill(second);
		this.cluster.promote(third);
		await().atMost(FOLLOW_TIMEOUT)
			.ignoreExceptions()
			.until(() -> third.name().equals(this.service.write("failed over")));
		assertThat(this.service.count("before")).isEqualTo(1);
		assertThat(this.service.count("switched")).isPositive();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Clusters {

		@Bean
		@ServiceConnection
		ContainerCluster cluster() {
			return new ContainerCluster().withStandbys(2);
		}

	}

}
