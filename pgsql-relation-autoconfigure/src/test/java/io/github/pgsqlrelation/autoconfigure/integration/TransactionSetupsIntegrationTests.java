package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.resource.jdbc.spi.PhysicalConnectionHandlingMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Where each transaction runs, in every transaction setup Spring applications use: the
 * JDBC and the JPA transaction manager, Hibernate's connection handling modes, JPA's
 * open-in-view on and off, nested {@code REQUIRES_NEW} both ways, {@code SUPPORTS},
 * {@code NOT_SUPPORTED} and no transaction at all. Each transaction asks the server
 * ({@code pg_is_in_recovery()}, {@code inet_server_port()}) from inside. A write never
 * runs on the standby; a read-only transaction always does.
 */
class TransactionSetupsIntegrationTests {

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	private static final Map<Setup, ConfigurableApplicationContext> contexts = new EnumMap<>(Setup.class);

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = PostgresCluster.start(1);
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE note (id bigint PRIMARY KEY, text varchar(255))");
		}
		cluster.awaitReplication();
	}

	@AfterAll
	static void stopCluster() {
		contexts.values().forEach(ConfigurableApplicationContext::close);
		contexts.clear();
		cluster.close();
	}

	static Stream<Row> rows() {
		return Stream.of(Setup.values()).flatMap((setup) -> Stream.of(new Row(setup, false), new Row(setup, true)));
	}

	@ParameterizedTest
	@MethodSource("rows")
	void readsAndWritesInTurnRunOnTheStandbyAndTheMaster(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			for (int i = 0; i < 3; i++) {
				assertThat(service.read()).as("read %d", i).isEqualTo(standby());
				assertThat(service.write()).as("write %d", i).isEqualTo(master());
			}
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void aWriteFirstThenReadsRunOnTheMasterThenTheStandby(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.write()).isEqualTo(master());
			assertThat(service.write()).isEqualTo(master());
			assertThat(service.read()).isEqualTo(standby());
			assertThat(service.read()).isEqualTo(standby());
			assertThat(service.write()).isEqualTo(master());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void aReadOnlyTransactionNestedInAWriteRunsOnTheStandby(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.writeAroundNestedRead()).containsExactly(master(), standby(), master());
			assertThat(service.read()).isEqualTo(standby());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void aWriteNestedInAReadOnlyTransactionRunsOnTheMaster(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.readAroundNestedWrite()).containsExactly(standby(), master(), standby());
			assertThat(service.write()).isEqualTo(master());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void aTransactionThatJoinsAnotherRunsWhereTheOuterOneRuns(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.writeAroundJoinedRead()).containsExactly(master(), master());
			assertThatException().isThrownBy(service::readAroundJoinedWrite)
				.withStackTraceContaining("cannot execute INSERT in a read-only transaction");
			assertThat(service.write()).isEqualTo(master());
			assertThat(service.read()).isEqualTo(standby());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void notSupportedScopesFollowTheirOwnReadOnlyFlag(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.writeAroundNotSupportedRead()).containsExactly(master(), standby(), master());
			assertThat(service.readAroundNotSupported()).containsExactly(standby(), master(), standby());
			assertThat(service.notSupportedReadOnly()).isEqualTo(standby());
			assertThat(service.write()).isEqualTo(master());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void supportsScopesWithoutTransactionFollowTheirReadOnlyFlag(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.supportsReadOnly()).containsExactly(standby(), standby());
			assertThat(service.supports()).containsExactly(master(), master());
			assertThat(service.supportsWriteWithJdbc()).isEqualTo(master());
			assertThat(service.supportsReadOnly()).containsExactly(standby(), standby());
			assertThat(service.write()).isEqualTo(master());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void withoutTransactionStatementsRunOnTheMaster(Row row) {
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.read()).isEqualTo(standby());
			assertThat(service.withoutTransaction()).isEqualTo(master());
			assertThat(service.writeWithoutTransaction()).isEqualTo(master());
			assertThat(service.read()).isEqualTo(standby());
			return null;
		});
	}

	@ParameterizedTest
	@MethodSource("rows")
	void readOnlySerializableTransactionsRunOnTheMasterAndRepeatableReadOnTheStandby(Row row) {
		// HibernateJpaDialect refuses an isolation level unless Hibernate holds its
		// connection until the session closes.
		if (row.setup() == Setup.JPA_RELEASE_AFTER_TRANSACTION) {
			return;
		}
		SetupService service = service(row.setup());
		inRequest(row, () -> {
			assertThat(service.readSerializable()).isEqualTo(master());
			assertThat(service.readRepeatable()).isEqualTo(standby());
			assertThat(service.readSerializable()).isEqualTo(master());
			assertThat(service.write()).isEqualTo(master());
			assertThat(service.read()).isEqualTo(standby());
			return null;
		});
	}

	@ParameterizedTest
	@EnumSource(Setup.class)
	void eachSetupUsesItsTransactionManagerAndConnectionHandling(Setup setup) {
		ConfigurableApplicationContext context = context(setup);
		PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
		if (setup.handlingMode == null) {
			assertThat(transactionManager).isExactlyInstanceOf(DataSourceTransactionManager.class);
			return;
		}
		assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
		EntityManager entityManager = context.getBean(EntityManagerFactory.class).createEntityManager();
		try {
			assertThat(entityManager.unwrap(SessionImplementor.class)
				.getJdbcCoordinator()
				.getLogicalConnection()
				.getConnectionHandlingMode()).isEqualTo(setup.handlingMode);
		}
		finally {
			entityManager.close();
		}
	}

	private static Backend master() {
		return new Backend(cluster.primary().port(), false);
	}

	private static Backend standby() {
		return new Backend(cluster.standbys().get(0).port(), true);
	}

	private static SetupService service(Setup setup) {
		return context(setup).getBean(SetupService.class);
	}

	private static ConfigurableApplicationContext context(Setup setup) {
		return contexts.computeIfAbsent(setup, (key) -> {
			Path file = directory.resolve("state-" + key + ".json");
			RelationStateFiles.writeRaw(file, cluster);
			return SetupApplication.run(file, key.properties);
		});
	}

	/**
	 * Runs the body as a web request does: with open-in-view, one EntityManager bound to
	 * the thread for the whole request, as Spring's
	 * {@code OpenEntityManagerInViewInterceptor} binds it.
	 */
	private static void inRequest(Row row, Supplier<Void> body) {
		if (!row.openInView()) {
			body.get();
			return;
		}
		EntityManagerFactory factory = context(row.setup()).getBean(EntityManagerFactory.class);
		EntityManager entityManager = factory.createEntityManager();
		TransactionSynchronizationManager.bindResource(factory, new EntityManagerHolder(entityManager));
		try {
			body.get();
		}
		finally {
			TransactionSynchronizationManager.unbindResource(factory);
			EntityManagerFactoryUtils.closeEntityManager(entityManager);
		}
	}

	record Row(Setup setup, boolean openInView) {

		@Override
		public String toString() {
			return this.setup + ", open-in-view " + (this.openInView ? "on" : "off");
		}

	}

	enum Setup {

		JDBC(null, "test.transaction-manager=jdbc"),

		JPA_DELAYED_ACQUISITION_AND_HOLD(PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_HOLD,
				"test.access=jpa"),

		JPA_RELEASE_AFTER_TRANSACTION(PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION,
				"test.access=jpa",
				"spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION"),

		JPA_IMMEDIATE_ACQUISITION_AND_HOLD(PhysicalConnectionHandlingMode.IMMEDIATE_ACQUISITION_AND_HOLD,
				"test.access=jpa",
				"spring.jpa.properties.hibernate.connection.handling_mode=IMMEDIATE_ACQUISITION_AND_HOLD");

		private final PhysicalConnectionHandlingMode handlingMode;

		private final String[] properties;

		Setup(PhysicalConnectionHandlingMode handlingMode, String... properties) {
			this.handlingMode = handlingMode;
			this.properties = properties;
		}

	}

}
