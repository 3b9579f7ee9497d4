package io.github.pgsqlrelation.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.statefile.StateFile;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Drives the demo page started with {@code --interface=postgresql_client}: the relation
 * as Canonical's current interface publishes it, a password rotated and TLS turned on and
 * off under load, and a switch to {@code pgsql} and back, without a failed transaction.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoPagePostgresqlClientTests {

	private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

	private static final Path SCREENSHOTS = Path.of("target");

	private static DemoCluster cluster;

	private static Browser browser;

	@LocalServerPort
	private int port;

	@BeforeAll
	static void startBrowser() {
		browser = Browser.start();
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
		}
	}

	@DynamicPropertySource
	static void stateFile(DynamicPropertyRegistry registry) {
		registry.add(DemoApplication.STATE_FILE_PROPERTY, () -> cluster().stateFile().toString());
		registry.add(DemoApplication.ENDPOINT_PROPERTY, () -> cluster().endpoint());
	}

	private static synchronized DemoCluster cluster() {
		if (cluster == null) {
			cluster = DemoCluster.start(2, RelationInterface.POSTGRESQL_CLIENT);
		}
		return cluster;
	}

	@Test
	@Order(1)
	void pageShowsThePostgresqlClientRelationAndReadsSpreadOverBothReplicas() {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		page.await(CHANGE_TIMEOUT, "the relation published with postgresql_client on database",
				(shown) -> shown.published().equals("postgresql_client on database"));
		page.await(CHANGE_TIMEOUT, "the master and two standbys", (shown) -> shown.master().contains("postgresql-0")
				&& Set.copyOf(shown.standbys()).equals(Set.of("postgresql-1", "postgresql-2")));
		assertThat(page.readiness()).startsWith("READY");
		page.await(CHANGE_TIMEOUT, "reads served by both standbys",
				(shown) -> shown.recentReads().containsAll(List.of("postgresql-1", "postgresql-2")));
		page.await(CHANGE_TIMEOUT, "writes served by the primary",
				(shown) -> shown.lastWrite().equals(new DemoPage.Served("postgresql-0", false)));
		assertThat(page.sslmode()).isEmpty();
		assertThat(page.events()).anyMatch((event) -> event.contains("DatabaseCreatedEvent"));
		assertThat(page.writeErrors() + page.readErrors()).as("errors of the load, last: %s", page.lastFailure())
			.isZero();
		browser.screenshot(SCREENSHOTS.resolve("demo-page-postgresql-client.png"));
	}

	@Test
	@Order(2)
	void theStateFileIsAPostgresqlClientEntryTheStarterReads() {
		RelationSnapshot relation = StateFile.read(cluster.stateFile()).endpoint("database", null).effective();
		assertThat(relation.readiness().isReady()).as("readiness %s", relation.readiness()).isTrue();
		assertThat(relation.master().get("port")).isEqualTo(Integer.toString(cluster.view().primary().port()));
		assertThat(relation.standbys()).extracting((standby) -> Integer.parseInt(standby.get("port")))
			.containsExactlyInAnyOrderElementsOf(cluster.view().standbys().stream().map(PostgresNode::port).toList());
		assertThat(relation.master().get("user")).isEqualTo("relation-7");
	}

	@Test
	@Order(3)
	void aRotatedPasswordReachesNewConnectionsWithoutErrorsAndTheOldOneIsRefused() throws Exception {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		page.await(CHANGE_TIMEOUT, "reads served by both standbys",
				(shown) -> shown.recentReads().containsAll(List.of("postgresql-1", "postgresql-2")));
		String oldPassword = relationPassword();
		long errorsBefore = page.writeErrors() + page.readErrors();
		long retriesBefore = page.writeRetries() + page.readRetries();
		long started = System.nanoTime();
		page.rotatePassword();
		page.await(CHANGE_TIMEOUT, "one rotation done",
				(shown) -> shown.passwordRotations() == 1 && !shown.charmBusy());
		page.await(CHANGE_TIMEOUT, "the application told of the new credentials",
				(shown) -> shown.events().stream().anyMatch((event) -> event.contains("AuthenticationUpdatedEvent")));
		Duration toEvent = Duration.ofNanos(System.nanoTime() - started);
		long writes = page.writes();
		page.await(CHANGE_TIMEOUT, "ten more writes", (shown) -> shown.writes() >= writes + 10);
		assertThat(relationPassword()).isNotEqualTo(oldPassword);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> connectAsRelationUser(cluster.view().primary(), oldPassword).close())
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		try (Connection connection = connectAsRelationUser(cluster.view().primary(), relationPassword())) {
			assertThat(connection.isValid(5)).isTrue();
		}
		System.out.printf("Password rotation: the application told after %d ms; retries %d, new errors %d%n",
				toEvent.toMillis(), page.writeRetries() + page.readRetries() - retriesBefore,
				page.writeErrors() + page.readErrors() - errorsBefore);
		assertThat(page.writeErrors() + page.readErrors() - errorsBefore)
			.as("new errors, last failure: %s", page.lastFailure())
			.isZero();
	}

	@Test
	@Order(4)
	void withTlsOnTheApplicationVerifiesTheServersWithTheRelationsCa() throws Exception {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		long errorsBefore = page.writeErrors() + page.readErrors();
		long retriesBefore = page.writeRetries() + page.readRetries();
		long started = System.nanoTime();
		page.toggleTls();
		page.await(CHANGE_TIMEOUT, "TLS on, verify-full",
				(shown) -> shown.publishedTls() && shown.sslmode().equals("verify-full") && !shown.charmBusy());
		Duration toVerifyFull = Duration.ofNanos(System.nanoTime() - started);
		long writes = page.writes();
		page.await(CHANGE_TIMEOUT, "ten more writes", (shown) -> shown.writes() >= writes + 10);
		page.await(CHANGE_TIMEOUT, "reads served by both standbys", (shown) -> shown.recentReads().size() >= 6
				&& shown.recentReads().subList(0, 6).containsAll(List.of("postgresql-1", "postgresql-2")));
		page.await(CHANGE_TIMEOUT, "only the new pools",
				(shown) -> shown.pools().stream().noneMatch((pool) -> pool.endsWith("retiring")));
		assertThat(applicationConnectionsWithoutTls(cluster.view().primary())).isZero();
		browser.screenshot(SCREENSHOTS.resolve("demo-page-postgresql-client-tls.png"));
		page.toggleTls();
		page.await(CHANGE_TIMEOUT, "TLS off",
				(shown) -> !shown.publishedTls() && shown.sslmode().isEmpty() && !shown.charmBusy());
		long writesAfter = page.writes();
		page.await(CHANGE_TIMEOUT, "ten more writes", (shown) -> shown.writes() >= writesAfter + 10);
		System.out.printf("TLS on: verify-full shown after %d ms; TLS on and off: retries %d, new errors %d%n",
				toVerifyFull.toMillis(), page.writeRetries() + page.readRetries() - retriesBefore,
				page.writeErrors() + page.readErrors() - errorsBefore);
		assertThat(page.writeErrors() + page.readErrors() - errorsBefore)
			.as("new errors, last failure: %s", page.lastFailure())
			.isZero();
	}

	@Test
	@Order(5)
	void theSameServersPublishedWithPgsqlAndBackKeepServing() {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		long errorsBefore = page.writeErrors() + page.readErrors();
		page.useInterface("pgsql");
		page.await(CHANGE_TIMEOUT, "pgsql published", (shown) -> shown.published().equals("pgsql on database")
				&& !shown.charmBusy() && !shown.tlsToggleEnabled());
		long writes = page.writes();
		page.await(CHANGE_TIMEOUT, "ten more writes", (shown) -> shown.writes() >= writes + 10);
		page.await(CHANGE_TIMEOUT, "two standbys still",
				(shown) -> Set.copyOf(shown.standbys()).equals(Set.of("postgresql-1", "postgresql-2")));
		assertThat(StateFile.read(cluster.stateFile()).endpoint("database", null).effective().readiness().isReady())
			.isTrue();
		page.useInterface("postgresql_client");
		page.await(CHANGE_TIMEOUT, "postgresql_client published again",
				(shown) -> shown.published().equals("postgresql_client on database") && !shown.charmBusy());
		long writesAfter = page.writes();
		page.await(CHANGE_TIMEOUT, "ten more writes", (shown) -> shown.writes() >= writesAfter + 10);
		assertThat(page.readiness()).startsWith("READY");
		assertThat(page.writeErrors() + page.readErrors() - errorsBefore)
			.as("new errors, last failure: %s", page.lastFailure())
			.isZero();
	}

	private static String relationPassword() {
		return StateFile.read(cluster.stateFile()).endpoint("database", null).effective().master().get("password");
	}

	/** Connections of the relation user on a server that do not use TLS. */
	private static int applicationConnectionsWithoutTls(PostgresNode node) throws SQLException {
		try (Connection connection = node.connectAsSuperuser();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_stat_activity a "
						+ "JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'relation-7' AND NOT s.ssl")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Connection connectAsRelationUser(PostgresNode node, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "relation-7");
		properties.setProperty("password", password);
		return DriverManager.getConnection(node.jdbcUrl(), properties);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ClusterConfiguration {

		@Bean
		DemoCluster demoCluster() {
			return cluster();
		}

	}

}
