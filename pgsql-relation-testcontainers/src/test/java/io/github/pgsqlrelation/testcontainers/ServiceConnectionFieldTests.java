package io.github.pgsqlrelation.testcontainers;

import java.util.HashSet;
import java.util.Set;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.ClusterNode;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection} on a static cluster field wires the starter with no
 * property: writes go to the primary, read-only transactions round-robin over the
 * standbys.
 */
// Testcontainers first: its extension then stops the cluster after Spring has closed the
// context
@Testcontainers
@SpringBootTest(classes = ContainerTestApplication.class)
@DirtiesContext
class ServiceConnectionFieldTests {

	@Container
	@ServiceConnection
	static ContainerCluster cluster = new ContainerCluster().withStandbys(2);

	@Autowired
	NodeService service;

	@Autowired
	javax.sql.DataSource dataSource;

	@Test
	void starterFollowsTheClusterWithoutProperties() {
		assertThat(this.dataSource).isInstanceOf(RelationRoutingDataSource.class);
	}

	@Test
	void writesGoToThePrimaryAndReadOnlyTransactionsToTheStandbys() {
		assertThat(this.service.write("field")).isEqualTo(cluster.primary().name());
		cluster.awaitReplication();
		Set<String> readers = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			NodeService.Read read = this.service.read();
			assertThat(read.standby()).isTrue();
			readers.add(read.server());
		}
		assertThat(readers)
			.containsExactlyInAnyOrderElementsOf(cluster.standbys().stream().map(ClusterNode::name).toList());
		assertThat(this.service.count("field")).isEqualTo(1);
	}

}
