package io.github.pgsqlrelation.autoconfigure.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationConnectionDetails;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recipe of docs/testing.md: a cluster of binaries and a
 * {@link PgsqlRelationConnectionDetails} bean naming its state file, with no property;
 * the cluster closes with the context.
 */
@SpringBootTest(classes = { IntegrationApplication.class, ConnectionDetailsBeanIntegrationTests.Relation.class },
		properties = { "spring.jpa.hibernate.ddl-auto=none", "test.transaction-manager=jdbc" })
class ConnectionDetailsBeanIntegrationTests {

	@Autowired
	PostgresCluster cluster;

	@Autowired
	PgsqlRelationConnectionDetails relation;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TransactionTemplate transactions;

	@Test
	void writesGoToThePrimaryAndReadOnlyTransactionsToTheStandbyAndFollowASwitchover() {
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id int)");
		assertThat(port(false)).isEqualTo(this.cluster.primary().port());
		this.cluster.awaitReplication();
		assertThat(port(true)).isEqualTo(this.cluster.standbys().get(0).port());
		PostgresNode standby = this.cluster.standbys().get(0);
		this.cluster.switchover(standby);
		RelationStateFiles.writeResolved(this.relation.getStateFile(), this.cluster);
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> port(false) == standby.port());
	}

	private int port(boolean readOnly) {
		TransactionTemplate template = new TransactionTemplate(this.transactions.getTransactionManager());
		template.setReadOnly(readOnly);
		Integer port = template.execute((status) -> this.jdbc
			.queryForObject("SELECT setting::int FROM pg_settings WHERE name = 'port'", Integer.class));
		return (port != null) ? port : -1;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Relation {

		@Bean(destroyMethod = "close")
		PostgresCluster cluster() {
			return PostgresCluster.start(1);
		}

		@Bean
		PgsqlRelationConnectionDetails relation(PostgresCluster cluster) throws IOException {
			Path file = Files.createTempDirectory("relation").resolve("pgsql-relation.json");
			RelationStateFiles.writeResolved(file, cluster);
			return () -> file;
		}

	}

}
