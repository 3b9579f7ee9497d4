package io.github.pgsqlrelation.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import javax.sql.DataSource;

import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter with libraries that wrap the application's {@code DataSource} bean in a
 * proxy of their own (JDBC observability, query logging): the application starts, writes
 * reach the primary, read-only transactions the standbys, and health and the actuator
 * endpoint find the routing behind the wrapper. Against a real primary and two streaming
 * standbys.
 */
class WrappedDataSourceIntegrationTests {

	private static final String DATASOURCE_MICROMETER = "net.ttddyy.observation.boot.autoconfigure.DataSourceObservationAutoConfiguration";

	private static final String DATASOURCE_DECORATOR = "com.github.gavlyukovskiy.boot.jdbc.decorator.DataSourceDecoratorAutoConfiguration";

	private static final String WHERE_AM_I = "SELECT inet_server_port()";

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = PostgresCluster.start(2);
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE item (id bigint PRIMARY KEY)");
		}
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	/**
	 * Runs the application with one wrapping library, the other's auto-configuration
	 * excluded, or with both (two proxies around the routing).
	 */
	@ParameterizedTest
	@ValueSource(strings = { DATASOURCE_DECORATOR, DATASOURCE_MICROMETER, "" })
	void writesReachThePrimaryAndReadOnlyTransactionsTheStandbysBehindTheWrapper(String excluded) {
		Path stateFile = directory.resolve("state-" + System.nanoTime() + ".json");
		RelationStateFiles.writeRaw(stateFile, cluster);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WrappedApplication.class)
			.web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + stateFile, "spring.main.banner-mode=off",
					"spring.autoconfigure.exclude=" + excluded, "management.endpoints.web.exposure.include=*",
					"management.endpoints.jmx.exposure.include=*")
			.run()) {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isNotInstanceOf(RelationRoutingDataSource.class);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
			TransactionTemplate writes = new TransactionTemplate(transactions);
			TransactionTemplate reads = new TransactionTemplate(transactions);
			reads.setReadOnly(true);
			Integer writePort = writes.execute((status) -> {
				jdbc.update("INSERT INTO item (id) VALUES (?)", System.nanoTime());
				return jdbc.queryForObject(WHERE_AM_I, Integer.class);
			});
			assertThat(writePort).isEqualTo(cluster.primary().port());
			Set<Integer> readPorts = new HashSet<>();
			for (int i = 0; i < 6; i++) {
				readPorts.add(reads.execute((status) -> jdbc.queryForObject(WHERE_AM_I, Integer.class)));
			}
			assertThat(readPorts)
				.containsExactlyInAnyOrderElementsOf(cluster.standbys().stream().map(PostgresNode::port).toList());
			CompositeHealthContributor health = context.getBean("pgsqlRelationHealthContributor",
					CompositeHealthContributor.class);
			assertThat(health.getContributor("master")).isNotNull();
			assertThat(context.getBean(PgsqlRelationEndpoint.class).relation().pools()).hasSize(3);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WrappedApplication {

	}

}
