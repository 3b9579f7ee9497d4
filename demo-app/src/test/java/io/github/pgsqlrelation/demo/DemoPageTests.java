package io.github.pgsqlrelation.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

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

/**
 * Drives the demo page in a real browser, as a person would: the relation, reads spread
 * over both standbys, a switchover and a crash of the master, with the load running all
 * along.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoPageTests {

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
		registry.add("pgsql.relation.state-file", () -> cluster().stateFile().toString());
	}

	private static synchronized DemoCluster cluster() {
		if (cluster == null) {
			cluster = DemoCluster.start(2);
		}
		return cluster;
	}

	@Test
	@Order(1)
	void pageShowsTheRelationAndReadsSpreadOverBothStandbys() {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		assertThat(page.title()).isEqualTo("pgsql-relation demo");
		page.await(CHANGE_TIMEOUT, "the relation published with pgsql on db",
				(shown) -> shown.published().equals("pgsql on db"));
		assertThat(page.tlsToggleEnabled()).as("TLS toggle with pgsql, which has no TLS settings").isFalse();
		page.await(CHANGE_TIMEOUT, "the master and two standbys", (shown) -> shown.master().contains("postgresql-0")
				&& Set.copyOf(shown.standbys()).equals(Set.of("postgresql-1", "postgresql-2")));
		assertThat(page.readiness()).startsWith("READY");
		page.await(CHANGE_TIMEOUT, "reads served by both standbys",
				(shown) -> shown.recentReads().containsAll(List.of("postgresql-1", "postgresql-2")));
		assertThat(page.recentReads()).doesNotContain("postgresql-0");
		page.await(CHANGE_TIMEOUT, "writes served by the primary",
				(shown) -> shown.lastWrite().equals(new DemoPage.Served("postgresql-0", false)));
		assertThat(page.lastRead().inRecovery()).as("the last read was served by a standby").isTrue();
		// Standbys come in the relation's canonical order, which depends on their ports.
		assertThat(page.pools()).first().isEqualTo("master postgresql-0");
		assertThat(page.pools()).containsExactlyInAnyOrder("master postgresql-0", "standby postgresql-1",
				"standby postgresql-2");
		assertThat(page.writeErrors() + page.readErrors()).as("errors of the load, last: %s", page.lastFailure())
			.isZero();
		browser.screenshot(SCREENSHOTS.resolve("demo-page.png"));
	}

	@Test
	@Order(2)
	void readsAndWritesFollowASwitchoverWithoutErrors() {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		page.await(CHANGE_TIMEOUT, "reads served by both standbys",
				(shown) -> shown.recentReads().containsAll(List.of("postgresql-1", "postgresql-2")));
		long writesBefore = page.writes();
		long started = System.nanoTime();
		page.switchOverTo("postgresql-1");
		page.await(CHANGE_TIMEOUT, "postgresql-1 as the master and postgresql-2 as the only standby",
				(shown) -> shown.master().contains("postgresql-1") && shown.standbys().equals(List.of("postgresql-2")));
		Duration toNewMaster = Duration.ofNanos(System.nanoTime() - started);
		page.await(CHANGE_TIMEOUT, "writes served by postgresql-1 as primary",
				(shown) -> shown.lastWrite().equals(new DemoPage.Served("postgresql-1", false)));
		Duration toWrites = Duration.ofNanos(System.nanoTime() - started);
		page.await(CHANGE_TIMEOUT, "the recent reads served by postgresql-2 only", (shown) -> {
			List<String> reads = shown.recentReads();
			return reads.size() >= 6 && reads.subList(0, 6).stream().allMatch("postgresql-2"::equals);
		});
		assertThat(page.lastRead()).isEqualTo(new DemoPage.Served("postgresql-2", true));
		page.await(CHANGE_TIMEOUT, "ten more writes", (shown) -> shown.writes() >= writesBefore + 10);
		page.await(CHANGE_TIMEOUT, "only the new pools",
				(shown) -> shown.pools().equals(List.of("master postgresql-1", "standby postgresql-2")));
		System.out.printf(
				"Switchover: new master shown after %d ms, writes on it after %d ms; "
						+ "write retries %d, read retries %d, errors %d/%d%n",
				toNewMaster.toMillis(), toWrites.toMillis(), page.writeRetries(), page.readRetries(),
				page.writeErrors(), page.readErrors());
		assertThat(page.writeErrors()).as("write errors, last failure: %s", page.lastFailure()).isZero();
		assertThat(page.readErrors()).as("read errors, last failure: %s", page.lastFailure()).isZero();
		assertThat(page.status()).contains("Master postgresql-1").contains("0 error(s)");
		assertThat(page.events()).anyMatch((event) -> event.contains("MasterChangedEvent master postgresql-1"));
		browser.screenshot(SCREENSHOTS.resolve("demo-page-after-switchover.png"));
	}

	@Test
	@Order(3)
	void pageShowsTheDeadMasterUntilTheCharmPromotesAStandby() {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		page.await(CHANGE_TIMEOUT, "postgresql-1 as the master", (shown) -> shown.master().contains("postgresql-1"));
		long errorsBefore = page.writeErrors() + page.readErrors();
		long started = System.nanoTime();
		page.killMaster();
		page.await(CHANGE_TIMEOUT, "the charm waiting with the dead master still in the relation",
				(shown) -> shown.status().contains("Charm at work")
						&& shown.charmLog().stream().anyMatch((line) -> line.contains("postgresql-1 is dead"))
						&& shown.master().contains("postgresql-1"));
		browser.screenshot(SCREENSHOTS.resolve("demo-page-during-failover.png"));
		page.await(CHANGE_TIMEOUT, "postgresql-2 as the master and no standby",
				(shown) -> shown.master().contains("postgresql-2") && shown.standbys().isEmpty());
		Duration toNewMaster = Duration.ofNanos(System.nanoTime() - started);
		page.await(CHANGE_TIMEOUT, "writes served by postgresql-2 as primary",
				(shown) -> shown.lastWrite().equals(new DemoPage.Served("postgresql-2", false)));
		Duration toWrites = Duration.ofNanos(System.nanoTime() - started);
		page.await(CHANGE_TIMEOUT, "reads falling back to the master",
				(shown) -> shown.lastRead().node().equals("postgresql-2") && !shown.lastRead().inRecovery());
		System.out.printf(
				"Crash of the master: new master shown after %d ms, writes on it after %d ms; "
						+ "write retries %d (both tests), read retries %d, new errors %d%n",
				toNewMaster.toMillis(), toWrites.toMillis(), page.writeRetries(), page.readRetries(),
				page.writeErrors() + page.readErrors() - errorsBefore);
		browser.screenshot(SCREENSHOTS.resolve("demo-page-after-crash.png"));
	}

	@Test
	@Order(4)
	void readsMoveToAnAddedStandbyAndLeaveARemovedOneWithoutErrors() {
		DemoPage page = new DemoPage(browser.driver()).open(this.port);
		page.await(CHANGE_TIMEOUT, "postgresql-2 as the master and no standby",
				(shown) -> shown.master().contains("postgresql-2") && shown.standbys().isEmpty());
		long errorsBefore = page.writeErrors() + page.readErrors();
		page.addStandby();
		page.await(CHANGE_TIMEOUT, "postgresql-3 as the standby",
				(shown) -> shown.standbys().equals(List.of("postgresql-3")));
		page.await(CHANGE_TIMEOUT, "reads served by postgresql-3 as a standby",
				(shown) -> shown.lastRead().equals(new DemoPage.Served("postgresql-3", true)));
		page.remove("postgresql-3");
		page.await(CHANGE_TIMEOUT, "no standby", (shown) -> shown.standbys().isEmpty());
		page.await(CHANGE_TIMEOUT, "reads served by the primary again",
				(shown) -> shown.lastRead().equals(new DemoPage.Served("postgresql-2", false)));
		page.await(CHANGE_TIMEOUT, "postgresql-3 gone from the servers",
				(shown) -> !shown.servers().contains("postgresql-3"));
		assertThat(page.writeErrors() + page.readErrors() - errorsBefore)
			.as("new errors, last failure: %s", page.lastFailure())
			.isZero();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ClusterConfiguration {

		@Bean
		DemoCluster demoCluster() {
			return cluster();
		}

	}

}
