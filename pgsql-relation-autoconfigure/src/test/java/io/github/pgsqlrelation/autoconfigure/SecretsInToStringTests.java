package io.github.pgsqlrelation.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpoint;
import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus;
import io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpointAutoConfiguration;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationEvents;
import io.github.pgsqlrelation.relation.statefile.StateFile;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.relation.statefile.StateFilePolicy;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingSettings;
import io.github.pgsqlrelation.routing.WritePosition;
import io.github.pgsqlrelation.test.secrets.KnownSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Builds every public value type of the library from input whose passwords are known and
 * checks that no {@code toString()} shows one. The public types are found on the class
 * path: a new record, a new exception or a new class with its own {@code toString()}
 * fails this test until it gets a sample here.
 */
class SecretsInToStringTests {

	private static final String MASTER_PASSWORD = KnownSecrets.register("Mp5tRw8zQxLk");

	private static final String STANDBY_PASSWORD = KnownSecrets.register("Sb3nVq7yHdWe");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, EndpointAutoConfiguration.class,
				JacksonEndpointAutoConfiguration.class, PgsqlRelationEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=pgsqlrelation",
				"pgsql.relation.pool.minimum-idle=0", "pgsql.relation.pool.connection-timeout=250");

	private final Map<Object, Boolean> samples = new IdentityHashMap<>();

	@TempDir
	Path directory;

	@Test
	void noPublicTypeShowsAPasswordInToString() throws Exception {
		addConnectionStrings();
		addRelationStatesAndEvents();
		addRunningApplication();
		addExceptions();
		List<String> leaking = new ArrayList<>();
		for (Object sample : this.samples.keySet()) {
			String text = sample.toString();
			if (KnownSecrets.isIn(text)) {
				leaking.add(sample.getClass().getName() + ": " + KnownSecrets.mask(text));
			}
		}
		assertThat(leaking).as("toString() holding a password (masked here)").isEmpty();
		assertThat(unsampledPublicTypes()).as("public types without a sample in this test").isEmpty();
	}

	private void addConnectionStrings() {
		String keywordValue = "dbname=app host=10.0.0.5,10.0.0.6 port=5432,5433 user=relation-7 password="
				+ MASTER_PASSWORD;
		ConnectionString connectionString = ConnectionString.parse(keywordValue);
		add(connectionString);
		add(connectionString.toJdbc());
		add(connectionString.hosts());
		add(ConnectionString.parse(connectionString.toUri()));
		add(ConnectionString.parse("postgresql://relation-7:" + STANDBY_PASSWORD + "@10.0.0.6:5432/app"));
	}

	private void addRelationStatesAndEvents() {
		StateFile raw = StateFile.parse(readResource("/relation/canonical-postgresql-leader-unit-bag.json"),
				"raw.json");
		add(raw);
		EndpointRelations none = EndpointRelations.none("db", "no relation");
		EndpointRelations first = resolved("10.0.0.5", "10.0.0.6", "app").endpoint("db", null);
		EndpointRelations second = resolved("10.0.0.7", "10.0.0.8", "app2").endpoint("db", null);
		EndpointRelations rawEndpoint = raw.endpoint("db", null);
		add(none);
		add(first);
		add(rawEndpoint);
		add(new StateFilePolicy(StateFilePolicy.DEFAULT_MAX_SIZE, true));
		RelationEvents.between(none, first).forEach(this::add);
		RelationEvents.between(first, second).forEach(this::add);
		RelationEvents.between(second, none).forEach(this::add);
		RelationEvents.between(none, rawEndpoint).forEach(this::add);
		EndpointRelations client = postgresqlClient("10.0.0.5", "10.0.0.6", MASTER_PASSWORD).endpoint("database", null);
		EndpointRelations rotated = postgresqlClient("10.0.0.7", "10.0.0.8", STANDBY_PASSWORD).endpoint("database",
				null);
		add(client);
		add(postgresqlClient("10.0.0.5", "10.0.0.6", MASTER_PASSWORD));
		RelationEvents.between(EndpointRelations.none("database", "no relation"), client).forEach(this::add);
		RelationEvents.between(client, rotated).forEach(this::add);
	}

	private static StateFile postgresqlClient(String primary, String replica, String password) {
		return StateFile.parse("""
				{"version": 1, "relations": [{"interface": "postgresql_client", "endpoint": "database",
				"relation-id": 12, "remote-app": "postgresql", "requested": {"database": "app"},
				"remote-app-data": {"database": "app", "endpoints": "%s:5432", "read-only-endpoints": "%s:5432",
				"secret-user": "secret://4b1c/d0d1a"},
				"secrets": {"secret-user": {"username": "relation_id_12", "password": "%s",
				"uris": "postgresql://relation_id_12:%s@%s:5432/app"}}}]}
				""".formatted(primary, replica, password, password, primary), "client.json");
	}

	private static StateFile resolved(String master, String standby, String database) {
		return StateFile.parse("""
				{"version": 1, "relations": [{"shape": "resolved", "endpoint": "db", "relation-id": 7,
				"remote-app": "postgresql", "database": "%s", "version": "15.10",
				"master": "dbname=%s host=%s port=5432 user=relation-7 password=%s",
				"standbys": ["dbname=%s host=%s port=5432 user=relation-7 password=%s"]}]}
				""".formatted(database, database, master, MASTER_PASSWORD, database, standby, STANDBY_PASSWORD),
				"resolved.json");
	}

	private void addRunningApplication() {
		int masterPort = TestStateFiles.closedPort();
		int standbyPort = TestStateFiles.closedPort();
		Path file = this.directory.resolve("pgsql-relation.json");
		TestStateFiles.write(file, server(masterPort, MASTER_PASSWORD), List.of(server(standbyPort, STANDBY_PASSWORD)));
		// Endpoint names and WAL positions only, whatever the routing records in it.
		add(new WritePosition());
		this.contextRunner.withPropertyValues("pgsql.relation.state-file=" + file).run((context) -> {
			add(context.getBean(PgsqlRelationProperties.class));
			add(context.getBean(PgsqlRelationEndpoint.class).relation());
			add(context.getBean(RelationStateWatcher.class).status());
			add(context.getBean(RelationStateWatcher.class).settings());
			RelationRoutingDataSource dataSource = context.getBean(RelationRoutingDataSource.class);
			add(dataSource);
			add(dataSource.topology());
		});
		HikariConfig template = new HikariConfig();
		template.setMinimumIdle(0);
		template.setConnectionTimeout(250);
		try (RelationRoutingDataSource dataSource = new RelationRoutingDataSource(template, RoutingSettings.defaults(),
				"db")) {
			add(RoutingSettings.defaults());
			add(catchThrowable(() -> RoutingSettings.defaults().withHostRecheck(Duration.ofSeconds(-1))));
			add(catchThrowable(() -> connect(dataSource)));
			EndpointRelations state = resolved("127.0.0.1", "127.0.0.1", "app").endpoint("db", null);
			dataSource.relationChanged(state.effective());
			add(dataSource);
			add(dataSource.topology());
		}
	}

	private static String server(int port, String password) {
		return "dbname=app host=127.0.0.1 port=" + port + " user=relation-7 password=" + password;
	}

	private static void connect(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.createStatement().close();
		}
	}

	private void addExceptions() {
		add(new MigrationStatus("Flyway", MigrationStatus.State.FAILED,
				"Failed to execute script V1__init.sql: ERROR: relation \"gate\" does not exist", Instant.now()));
		add(catchThrowable(() -> ConnectionString.parse("host=h password='" + MASTER_PASSWORD)));
		add(catchThrowable(() -> ConnectionString.parse("host=h password=" + MASTER_PASSWORD + " port=x")));
		add(catchThrowable(() -> ConnectionString.parse("postgresql://u:" + MASTER_PASSWORD + "@h:x/d")));
		add(catchThrowable(() -> StateFile.parse("""
				{"version": 1, "relations": [{"shape": "resolved", "endpoint": "db", "relation-id": 7,
				"remote-app": "postgresql", "master": dbname=app password=%s}]}
				""".formatted(MASTER_PASSWORD), "broken.json")));
		add(catchThrowable(() -> StateFile.parse("""
				{"version": 1, "relations": [{"shape": "resolved", "endpoint": "db", "relation-id": 7,
				"remote-app": "postgresql", "master": "dbname=app password='%s"}]}
				""".formatted(MASTER_PASSWORD), "unterminated.json")));
		add(catchThrowable(() -> StateFile.parse("""
				{"version": 1, "relations": [{"shape": "resolved", "endpoint": "db", "relation-id": 7,
				"remote-app": "postgresql", "standbys": "dbname=app password=%s"}]}
				""".formatted(MASTER_PASSWORD), "wrong-type.json")));
		this.contextRunner
			.withPropertyValues("pgsql.relation.state-file=" + this.directory.resolve("none.json"),
					"pgsql.relation.pool.jdbc-url=jdbc:postgresql://h/d?password=" + MASTER_PASSWORD)
			.run((context) -> add(rootCause(context.getStartupFailure())));
	}

	private static Throwable rootCause(Throwable throwable) {
		Throwable cause = throwable;
		while (cause.getCause() != null && !(cause instanceof InvalidPgsqlRelationPropertyException)) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String readResource(String name) {
		try (var stream = SecretsInToStringTests.class.getResourceAsStream(name)) {
			return new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * Adds the value, and what its record components, collections and optionals hold.
	 */
	private void add(Object value) {
		if (value == null || this.samples.containsKey(value)) {
			return;
		}
		if (value instanceof Collection<?> collection) {
			collection.forEach(this::add);
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.values().forEach(this::add);
			return;
		}
		if (value instanceof Optional<?> optional) {
			optional.ifPresent(this::add);
			return;
		}
		if (!value.getClass().getName().startsWith("io.github.pgsqlrelation.")) {
			return;
		}
		this.samples.put(value, true);
		if (value instanceof Throwable throwable) {
			add(throwable.getCause());
		}
		if (value.getClass().isRecord()) {
			for (RecordComponent component : value.getClass().getRecordComponents()) {
				add(invoke(component.getAccessor(), value));
			}
		}
	}

	private static Object invoke(Method accessor, Object target) {
		try {
			accessor.setAccessible(true);
			return accessor.invoke(target);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The library's public records, exceptions and classes with their own
	 * {@code toString()} that no sample is of.
	 */
	private Set<String> unsampledPublicTypes() throws Exception {
		Set<Class<?>> sampled = Collections.newSetFromMap(new IdentityHashMap<>());
		this.samples.keySet().forEach((sample) -> sampled.add(sample.getClass()));
		Path classes = Path.of(StateFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Set<String> unsampled = new TreeSet<>();
		try (Stream<Path> files = Files.walk(classes)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".class")).toList()) {
				String relative = classes.relativize(file).toString();
				String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
				Class<?> type = Class.forName(name, false, getClass().getClassLoader());
				if (isLibraryValueType(type) && !sampled.contains(type)) {
					unsampled.add(type.getName());
				}
			}
		}
		return unsampled;
	}

	private static boolean isLibraryValueType(Class<?> type) {
		if (!Modifier.isPublic(type.getModifiers()) || type.isInterface() || type.isEnum()
				|| Modifier.isAbstract(type.getModifiers())
				|| type.getName().startsWith("io.github.pgsqlrelation.test.")
				|| !type.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/classes/")) {
			return false;
		}
		return type.isRecord() || Throwable.class.isAssignableFrom(type) || declaresToString(type);
	}

	private static boolean declaresToString(Class<?> type) {
		try {
			return type.getDeclaredMethod("toString").getDeclaringClass() == type;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

}
