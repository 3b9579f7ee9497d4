package io.github.pgsqlrelation.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code @ServiceConnection}: the cluster's state file handed to the starter
 * through {@code pgsql.relation.state-file}, as docs/testing.md shows.
 */
// Testcontainers first: its extension then stops the cluster after Spring has closed the
// context
@Testcontainers
@SpringBootTest(classes = ContainerTestApplication.class)
@DirtiesContext
class DynamicPropertySourceTests {

	@Container
	static ContainerCluster cluster = new ContainerCluster();

	@DynamicPropertySource
	static void relationProperties(DynamicPropertyRegistry registry) {
		registry.add("pgsql.relation.state-file", () -> cluster.relationStateFile().toString());
	}

	@Autowired
	NodeService service;

	@Test
	void writesAndReadsGoToThePrimaryOfAClusterWithoutStandbys() {
		assertThat(this.service.write("dynamic")).isEqualTo(cluster.primary().name());
		NodeService.Read read = this.service.read();
		assertThat(read.standby()).isFalse();
		assertThat(this.service.count("dynamic")).isEqualTo(1);
	}

}
