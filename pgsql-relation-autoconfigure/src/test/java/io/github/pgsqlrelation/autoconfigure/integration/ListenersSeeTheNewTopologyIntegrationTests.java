package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint.PoolDescriptor;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.MasterGoneEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationNotReadyException;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An application listener of a relation event runs with the change already in force: the
 * routing {@code DataSource}, health, readiness and the {@code pgsqlrelation} endpoint
 * all show the new topology, against a real primary and a streaming standby.
 */
class ListenersSeeTheNewTopologyIntegrationTests {

	private static final String WHERE_AM_I = "SELECT inet_server_port()";

	@TempDir
	Path directory;

	private PostgresCluster cluster;

	private Path stateFile;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() throws SQLException {
		this.cluster = PostgresCluster.start(1);
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE item (id bigint PRIMARY KEY)");
		}
		this.cluster.awaitReplication();
		this.stateFile = this.directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeRaw(this.stateFile, this.cluster);
		this.context = new SpringApplicationBuilder(ListenerApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + this.stateFile, "spring.main.banner-mode=off",
					"spring.jpa.open-in-view=false", "spring.jpa.hibernate.ddl-auto=none",
					"management.endpoint.health.show-details=always", "management.endpoints.web.exposure.include=*",
					"management.endpoints.jmx.exposure.include=*")
			.run();
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.cluster.close();
	}

	@Test
	void masterChangedListenerWritesToTheNewMasterAfterASwitchover() throws Exception {
		TopologyProbe probe = this.context.getBean(TopologyProbe.class);
		PostgresNode newPrimary = this.cluster.standbys().get(0);
		this.cluster.switchover(newPrimary);
		RelationStateFiles.writeRaw(this.stateFile, this.cluster);
		Seen seen = probe.masterChanged.get(20, TimeUnit.SECONDS);
		assertThat(seen.writePort()).isEqualTo(newPrimary.port());
		assertThat(seen.masterPoolAddress()).endsWith(":" + newPrimary.port());
		assertThat(seen.masterHealthDetail()).contains(String.valueOf(newPrimary.port()));
		assertThat(seen.readiness()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
	}

	@Test
	void standbyChangedListenerReadsFromTheNewStandby() throws Exception {
		TopologyProbe probe = this.context.getBean(TopologyProbe.class);
		PostgresNode added = this.cluster.addStandby();
		this.cluster.awaitReplication();
		RelationStateFiles.writeRaw(this.stateFile, this.cluster);
		Set<Integer> readPorts = probe.standbyChanged.get(20, TimeUnit.SECONDS);
		assertThat(readPorts).contains(added.port());
	}

	@Test
	void masterGoneListenerFindsWritesRefusedAndTrafficRefused() throws Exception {
		TopologyProbe probe = this.context.getBean(TopologyProbe.class);
		RelationStateFiles.write(this.stateFile, RelationStateFiles.raw(this.cluster).master(null));
		Seen seen = probe.masterGone.get(20, TimeUnit.SECONDS);
		assertThat(seen.writeFailure()).isInstanceOf(RelationNotReadyException.class);
		assertThat(seen.masterPoolAddress()).isNull();
		assertThat(seen.readiness()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TopologyProbe.class)
	static class ListenerApplication {

	}

	/**
	 * What a listener saw while handling an event.
	 *
	 * @param writePort the server a write transaction ran on, -1 when it failed
	 * @param writeFailure why the write failed, {@code null} when it did not
	 * @param masterPoolAddress the master pool's address in the actuator endpoint
	 * @param masterHealthDetail the health of the master backend, as text
	 * @param readiness the application's readiness
	 */
	record Seen(int writePort, Throwable writeFailure, String masterPoolAddress, String masterHealthDetail,
			ReadinessState readiness) {

	}

	/**
	 * An application's listeners, each using the topology the event announces.
	 */
	static class TopologyProbe {

		final CompletableFuture<Seen> masterChanged = new CompletableFuture<>();

		final CompletableFuture<Set<Integer>> standbyChanged = new CompletableFuture<>();

		final CompletableFuture<Seen> masterGone = new CompletableFuture<>();

		private final JdbcTemplate jdbc;

		private final TransactionTemplate writes;

		private final TransactionTemplate reads;

		private final PgsqlRelationEndpoint endpoint;

		private final CompositeHealthContributor health;

		private final ApplicationAvailability availability;

		private volatile boolean started;

		TopologyProbe(JdbcTemplate jdbc, PlatformTransactionManager transactions, PgsqlRelationEndpoint endpoint,
				CompositeHealthContributor pgsqlRelationHealthContributor, ApplicationAvailability availability) {
			this.jdbc = jdbc;
			this.writes = new TransactionTemplate(transactions);
			this.reads = new TransactionTemplate(transactions);
			this.reads.setReadOnly(true);
			this.endpoint = endpoint;
			this.health = pgsqlRelationHealthContributor;
			this.availability = availability;
		}

		@EventListener
		void onMasterChanged(MasterChangedEvent event) {
			// The events of start-up announce the first topology: only later ones count.
			if (!this.started) {
				this.started = true;
				return;
			}
			if (event.master() != null) {
				this.masterChanged.complete(seen());
			}
		}

		@EventListener
		void onStandbyChanged(StandbyChangedEvent event) {
			if (this.started && event.standbys().size() > 1) {
				Set<Integer> ports = new HashSet<>();
				for (int i = 0; i < 4 * event.standbys().size(); i++) {
					ports.add(this.reads.execute((status) -> this.jdbc.queryForObject(WHERE_AM_I, Integer.class)));
				}
				this.standbyChanged.complete(ports);
			}
		}

		@EventListener
		void onMasterGone(MasterGoneEvent event) {
			this.masterGone.complete(seen());
		}

		private Seen seen() {
			int port = -1;
			Throwable failure = null;
			try {
				port = this.writes.execute((status) -> {
					this.jdbc.update("INSERT INTO item (id) VALUES (?)", System.nanoTime());
					return this.jdbc.queryForObject(WHERE_AM_I, Integer.class);
				});
			}
			catch (RuntimeException ex) {
				failure = ex;
				while (failure.getCause() != null && !(failure instanceof RelationNotReadyException)) {
					failure = failure.getCause();
				}
			}
			List<PoolDescriptor> masters = this.endpoint.relation()
				.pools()
				.stream()
				.filter((pool) -> pool.role().equals("master") && !pool.retiring())
				.toList();
			// While the old master's pool drains, the new one has a numbered name
			// (master-2).
			String masterHealth = this.health.stream()
				.filter((entry) -> entry.name().startsWith("master"))
				.map((entry) -> String.valueOf(((HealthIndicator) entry.contributor()).health(true).getDetails()))
				.findFirst()
				.orElse(null);
			return new Seen(port, failure, masters.isEmpty() ? null : masters.get(0).address(), masterHealth,
					this.availability.getReadinessState());
		}

	}

}
