package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.connection.LibpqHostnameVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pools made from the application's settings and the relation's connection strings,
 * without a server: nothing connects at creation.
 */
class PoolFactoryTests {

	private static final ConnectionString MASTER = ConnectionString
		.parse("dbname=app host=10.0.0.5 password=s3cret port=5432 user=relation-7");

	private static final ConnectionString STANDBY_1 = ConnectionString
		.parse("dbname=app host=10.0.0.6 password=s3cret port=5432 user=relation-7");

	private static final ConnectionString STANDBY_2 = ConnectionString
		.parse("dbname=app host=10.0.0.7 password=s3cret port=5433 user=relation-7");

	private final HikariConfig template = Relations.poolTemplate();

	private final PoolFactory factory = new PoolFactory(this.template, RoutingSettings.defaults(), "db");

	@AfterEach
	void closeFactory() {
		this.factory.close();
	}

	@Test
	void theMasterConnectsToThePrimaryAmongItsOwnHostThenTheStandbysHosts() {
		JdbcConnection jdbc = this.factory.masterJdbc(MASTER, List.of(STANDBY_1, STANDBY_2));
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://10.0.0.5:5432,10.0.0.6:5432,10.0.0.7:5433/app");
		assertThat(jdbc.properties()).containsEntry("targetServerType", "primary")
			.containsEntry("hostRecheckSeconds", "2")
			.containsEntry("connectTimeout", "3")
			.containsEntry("user", "relation-7")
			.containsEntry("password", "s3cret");
	}

	@Test
	void theMasterDialsEachHostsAddressAndKeepsItsNameForTheCertificate() {
		ConnectionString master = ConnectionString
			.parse("host=db.example hostaddr=127.0.0.1 port=5432 dbname=app user=u sslmode=verify-full");
		ConnectionString standby = ConnectionString.parse("host=127.0.0.2 port=5433 dbname=app user=u");
		JdbcConnection jdbc = this.factory.masterJdbc(master, List.of(standby));
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432,127.0.0.2:5433/app");
		assertThat(jdbc.properties()).containsEntry(LibpqHostnameVerifier.HOST_NAMES, "127.0.0.1 5432 db.example\n")
			.containsEntry("targetServerType", "primary");
	}

	@Test
	void theMastersFailoverHostsListEachHostOnce() {
		JdbcConnection jdbc = this.factory.masterJdbc(MASTER, List.of(STANDBY_1, MASTER, STANDBY_1));
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://10.0.0.5:5432,10.0.0.6:5432/app");
	}

	@Test
	void theApplicationsDriverPropertiesApplyUnlessTheRelationSetsThem() {
		this.template.addDataSourceProperty("reWriteBatchedInserts", "true");
		this.template.addDataSourceProperty("user", "someone-else");
		this.template.addDataSourceProperty("hostRecheckSeconds", "7");
		JdbcConnection jdbc = this.factory.masterJdbc(MASTER, List.of());
		assertThat(jdbc.properties()).containsEntry("reWriteBatchedInserts", "true")
			.containsEntry("user", "relation-7")
			.containsEntry("hostRecheckSeconds", "7");
	}

	@Test
	void poolsAreNamedAfterTheirRoleAndTakeTheirTimeoutsFromTheSettings() {
		BackendPool master = this.factory.master(MASTER, List.of(STANDBY_1));
		BackendPool standby = this.factory.standby(STANDBY_2);
		try {
			assertThat(master.backend().name()).isEqualTo("pgsql-relation-db-master");
			assertThat(master.pool().getConnectionTimeout()).isEqualTo(2000);
			assertThat(standby.backend().name()).isEqualTo("pgsql-relation-db-standby-10.0.0.7-5433");
			assertThat(standby.backend().address()).isEqualTo("10.0.0.7:5433");
			assertThat(standby.pool().getConnectionTimeout()).isEqualTo(1000);
			assertThat(standby.pool().getInitializationFailTimeout()).isEqualTo(-1);
			assertThat(standby.backend().connectionString()).doesNotContain("s3cret");
			assertThat(standby.connections().toString()).doesNotContain("s3cret");
		}
		finally {
			master.closePool();
			standby.closePool();
		}
	}

	@Test
	void aNewPoolTakesTheHousekeepingThreadStartedInReserveAndNamesItAsHikariCpWould() throws Exception {
		// An endpoint of its own: the suite's other routings have threads of these names.
		PoolFactory factory = new PoolFactory(this.template, RoutingSettings.defaults(), "reserve");
		BackendPool first = factory.standby(STANDBY_1);
		try {
			Thread inReserve = awaitThread("pgsql-relation-reserve-housekeeper-in-reserve");
			BackendPool second = factory.standby(STANDBY_2);
			try {
				assertThat(inReserve.getName()).isEqualTo("pgsql-relation-reserve-standby-10.0.0.7-5433:housekeeper");
				assertThat(inReserve.isAlive()).isTrue();
				assertThat(inReserve.isDaemon()).isTrue();
				assertThat(second.pool().getScheduledExecutor()).isNotSameAs(first.pool().getScheduledExecutor());
			}
			finally {
				second.closePool();
			}
		}
		finally {
			first.closePool();
			factory.close();
		}
	}

	@Test
	void closingAPoolEndsItsHousekeepingThreadAndClosingTheFactoryTheOneInReserve() throws Exception {
		PoolFactory factory = new PoolFactory(this.template, RoutingSettings.defaults(), "closing");
		BackendPool pool = factory.standby(STANDBY_1);
		Thread housekeeper = awaitThread("pgsql-relation-closing-standby-10.0.0.6-5432:housekeeper");
		Thread inReserve = awaitThread("pgsql-relation-closing-housekeeper-in-reserve");
		pool.closePool();
		factory.close();
		housekeeper.join(10_000);
		inReserve.join(10_000);
		assertThat(housekeeper.isAlive()).isFalse();
		assertThat(inReserve.isAlive()).isFalse();
	}

	@Test
	void anApplicationsOwnThreadFactoryMakesTheHousekeepingThreadAsInHikariCp() {
		ThreadFactory threads = (task) -> new Thread(task, "application-thread");
		this.template.setThreadFactory(threads);
		PoolFactory factory = new PoolFactory(this.template, RoutingSettings.defaults(), "db");
		BackendPool standby = factory.standby(STANDBY_1);
		standby.closePool();
		factory.close();
		assertThat(standby.pool().getScheduledExecutor()).isNull();
		assertThat(standby.pool().getThreadFactory()).isSameAs(threads);
	}

	private static Thread awaitThread(String name) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			for (Thread thread : Thread.getAllStackTraces().keySet()) {
				if (thread.getName().equals(name)) {
					return thread;
				}
			}
			Thread.sleep(5);
		}
		throw new AssertionError("No thread named " + name);
	}

	@Test
	void aSecondPoolOfTheSameBackendGetsANumberedNameUntilTheFirstIsReleased() {
		BackendPool first = this.factory.master(MASTER, List.of());
		BackendPool second = this.factory.master(MASTER.with(Map.of("password", "rotated")), List.of());
		first.closePool();
		second.closePool();
		this.factory.released(first.backend());
		BackendPool third = this.factory.master(MASTER, List.of());
		third.closePool();
		assertThat(List.of(first, second, third)).extracting((pool) -> pool.backend().name())
			.containsExactly("pgsql-relation-db-master", "pgsql-relation-db-master-2", "pgsql-relation-db-master");
	}

	@Test
	void namesHoldNoCharacterThatJmxRejects() {
		PoolFactory factory = new PoolFactory(this.template, RoutingSettings.defaults(), "my:db");
		BackendPool standby = factory.standby(STANDBY_1.with(Map.of("host", "fd00::6")));
		standby.closePool();
		assertThat(standby.backend().name()).isEqualTo("pgsql-relation-my-db-standby-fd00--6-5432");
	}

	@Test
	void aShortStandbyTimeoutNeverLengthensTheApplicationsOwn() {
		this.template.setConnectionTimeout(500);
		PoolFactory factory = new PoolFactory(this.template,
				RoutingSettings.defaults().withStandbyConnectionTimeout(Duration.ofSeconds(3)), "db");
		BackendPool standby = factory.standby(STANDBY_1);
		standby.closePool();
		assertThat(standby.pool().getConnectionTimeout()).isEqualTo(500);
	}

	@Test
	void aConnectionStringDiffersOnlyInCredentialsWhenJustTheUserPasswordOrClientCertificateChanged() {
		BackendPool pool = this.factory.standby(STANDBY_1);
		pool.closePool();
		assertThat(pool.differsOnlyInCredentials(STANDBY_1.with(Map.of("password", "rotated")))).isTrue();
		assertThat(pool.differsOnlyInCredentials(STANDBY_1.with(Map.of("user", "relation-8", "password", "other"))))
			.isTrue();
		assertThat(pool.differsOnlyInCredentials(
				STANDBY_1.with(Map.of("sslcert", "/c.pem", "sslkey", "/k.pem", "sslpassword", "p"))))
			.isTrue();
		assertThat(pool.differsOnlyInCredentials(STANDBY_1)).as("unchanged").isFalse();
		assertThat(pool.differsOnlyInCredentials(STANDBY_2)).as("another server").isFalse();
		assertThat(pool.differsOnlyInCredentials(STANDBY_1.with(Map.of("dbname", "other", "password", "rotated"))))
			.as("another database")
			.isFalse();
		assertThat(pool.differsOnlyInCredentials(STANDBY_1.with(Map.of("sslmode", "verify-full", "password", "x"))))
			.as("another TLS setting")
			.isFalse();
		assertThat(pool.differsOnlyInCredentials(STANDBY_1.with(Map.of("sslrootcert", "/other-ca.pem"))))
			.as("another CA")
			.isFalse();
	}

	@Test
	void withoutADatabaseNameANewUserIsAnotherDatabase() {
		ConnectionString userDatabase = ConnectionString
			.parse("host=10.0.0.6 password=s3cret port=5432 user=relation-7");
		BackendPool pool = this.factory.standby(userDatabase);
		pool.closePool();
		assertThat(pool.differsOnlyInCredentials(userDatabase.with(Map.of("password", "rotated")))).isTrue();
		assertThat(pool.differsOnlyInCredentials(userDatabase.with(Map.of("user", "relation-8")))).isFalse();
	}

	@Test
	void newCredentialsKeepThePoolsNameAndAddressAndMaskThePassword() {
		BackendPool pool = this.factory.standby(STANDBY_1);
		pool.closePool();
		ConnectionString rotated = STANDBY_1.with(Map.of("user", "relation-8", "password", "n3w-s3cret"));
		pool.useCredentials(rotated, this.factory.standbyJdbc(rotated));
		assertThat(pool.connectionString()).isEqualTo(rotated);
		assertThat(pool.backend().name()).isEqualTo("pgsql-relation-db-standby-10.0.0.6-5432");
		assertThat(pool.backend().address()).isEqualTo("10.0.0.6:5432");
		assertThat(pool.backend().connectionString()).contains("user=relation-8").doesNotContain("n3w-s3cret");
		assertThat(pool.connections().url()).isEqualTo("jdbc:postgresql://10.0.0.6:5432/app");
	}

}
