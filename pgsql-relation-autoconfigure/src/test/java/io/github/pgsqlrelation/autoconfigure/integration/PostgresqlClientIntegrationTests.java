package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.pgsqlrelation.relation.DatabaseChangedEvent;
import io.github.pgsqlrelation.relation.DatabaseCreatedEvent;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.ReadOnlyEndpointsChangedEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application following a {@code postgresql_client} relation (endpoint
 * {@code database}) routes writes to the primary and read-only transactions over the
 * replicas, against a real primary and two streaming standbys, and hears the interface's
 * own events after the routing applied the change.
 */
class PostgresqlClientIntegrationTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = PostgresCluster.start(2);
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE item (id bigint PRIMARY KEY)");
			statement.execute("CREATE TABLE note (id bigint PRIMARY KEY, text varchar(255))");
		}
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
	void routesWritesToThePrimaryAndReadOnlyTransactionsOverTheReplicas() {
		BackendService service = start(cluster.standbys());
		assertThat(service.writeWithJdbc(1)).isEqualTo(new Backend(cluster.primary().port(), false));
		Set<Backend> readers = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			readers.add(service.readWithJdbc());
		}
		assertThat(readers).containsExactlyInAnyOrderElementsOf(standbys(cluster.standbys()));
		List<Class<?>> types = this.events.stream().<Class<?>>map((event) -> event.event().getClass()).toList();
		assertThat(types).contains(MasterChangedEvent.class, StandbyChangedEvent.class)
			.endsWith(DatabaseCreatedEvent.class);
		RecordedEvent created = this.events.get(this.events.size() - 1);
		assertThat(created.routedStandbys()).as("standby pools in force when the application heard of it").isEqualTo(2);
	}

	@Test
	void followsAReplicaLeavingTheReadOnlyEndpoints() {
		Path file = directory.resolve("state-" + System.nanoTime() + ".json");
		BackendService service = start(file, cluster.standbys());
		PostgresNode remaining = cluster.standbys().get(1);
		this.events.clear();
		RelationStateFiles.writeAtomically(file, stateFile(List.of(remaining)));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.events.stream().anyMatch((e) -> e.event() instanceof ReadOnlyEndpointsChangedEvent));
		Set<Backend> readers = new HashSet<>();
		for (int i = 0; i < 4; i++) {
			readers.add(service.readWithJdbc());
		}
		assertThat(readers).containsExactly(new Backend(remaining.port(), true));
		assertThat(this.events.stream().<Class<?>>map((event) -> event.event().getClass()).toList()).containsExactly(
				StandbyChangedEvent.class, DatabaseChangedEvent.class, ReadOnlyEndpointsChangedEvent.class);
	}

	private BackendService start(List<PostgresNode> standbys) {
		return start(directory.resolve("state-" + System.nanoTime() + ".json"), standbys);
	}

	private BackendService start(Path file, List<PostgresNode> standbys) {
		RelationStateFiles.writeAtomically(file, stateFile(standbys));
		ApplicationListener<ApplicationEvent> recorder = (event) -> {
			if (event instanceof PayloadApplicationEvent<?> payload
					&& payload.getPayload() instanceof RelationEvent relationEvent) {
				// Published while the context starts: it is the event's source
				RelationRoutingDataSource routing = ((ApplicationContext) payload.getSource())
					.getBean(RelationRoutingDataSource.class);
				this.events.add(new RecordedEvent(relationEvent, routing.topology().standbys().size()));
			}
		};
		this.context = new SpringApplicationBuilder(IntegrationApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + file, "pgsql.relation.endpoint=database",
					"pgsql.relation.database=" + cluster.database(), "spring.jpa.hibernate.ddl-auto=none",
					"spring.jpa.open-in-view=false", "pgsql.relation.pool.maximum-pool-size=4",
					"spring.main.banner-mode=off", "pgsql.relation.recheck-interval=1s")
			.listeners(recorder)
			.run();
		assertThat(this.context.getBean(javax.sql.DataSource.class)).isInstanceOf(RelationRoutingDataSource.class);
		return this.context.getBean(BackendService.class);
	}

	/**
	 * The entry a charm related to Canonical's machine charm writes: the provider's
	 * application bag, and the content of the secret it names.
	 */
	private static String stateFile(List<PostgresNode> standbys) {
		PostgresNode primary = cluster.primary();
		String readOnly = String.join(",",
				standbys.stream().map((standby) -> standby.host() + ":" + standby.port()).toList());
		Map<String, String> bag = new LinkedHashMap<>();
		bag.put("database", cluster.database());
		bag.put("endpoints", primary.host() + ":" + primary.port());
		bag.put("read-only-endpoints", readOnly.isEmpty() ? primary.host() + ":" + primary.port() : readOnly);
		bag.put("version", cluster.serverVersion());
		bag.put("secret-user", "secret://4b1c7f2e-9d3a-4c5b-8e6f-1a2b3c4d5e6f/d0r5v8fmp25c77bbn9og");
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("interface", "postgresql_client");
		entry.put("endpoint", "database");
		entry.put("relation-id", 12);
		entry.put("remote-app", "postgresql");
		entry.put("requested", Map.of("database", cluster.database()));
		entry.put("remote-app-data", bag);
		entry.put("secrets", Map.of("secret-user", Map.of("username", cluster.user(), "password", cluster.password())));
		return MAPPER.writeValueAsString(Map.of("version", 1, "relations", List.of(entry)));
	}

	private static List<Backend> standbys(List<PostgresNode> standbys) {
		return standbys.stream().map((standby) -> new Backend(standby.port(), true)).toList();
	}

	/**
	 * An event as the application heard it, with the standby pools the routing had then.
	 */
	record RecordedEvent(RelationEvent event, int routedStandbys) {

	}

}
