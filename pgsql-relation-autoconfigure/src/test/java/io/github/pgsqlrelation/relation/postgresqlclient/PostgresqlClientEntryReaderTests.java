package io.github.pgsqlrelation.relation.postgresqlclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.RelationStateException;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.CA;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.OTHER_CA;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.PASSWORD;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.machine;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a {@code postgresql_client} relation hands out: master and standbys from the
 * provider's endpoints and credentials, shaped as Canonical's charms publish them.
 */
class PostgresqlClientEntryReaderTests {

	@Test
	void handsOutThePrimaryAndEveryReplicaOfAMachineCharm() {
		RelationSnapshot snapshot = machine(12, "10.1.2.5", "10.1.2.4").read().effective();
		assertThat(snapshot.readiness()).isEqualTo(Readiness.READY);
		assertThat(snapshot.relation()).isEqualTo(new RelationRef("database", 12, "postgresql"));
		assertThat(snapshot.master()).isEqualTo(ConnectionString
			.parse("host=10.1.2.3 port=5432 dbname=myapp user=relation_id_12 password=" + PASSWORD));
		assertThat(snapshot.standbys()).extracting((standby) -> standby.get("host"))
			.containsExactly("10.1.2.4", "10.1.2.5");
		assertThat(snapshot.standbys()).allSatisfy((standby) -> {
			assertThat(standby.user()).isEqualTo("relation_id_12");
			assertThat(standby.get("password")).isEqualTo(PASSWORD);
			assertThat(standby.database()).isEqualTo("myapp");
		});
		assertThat(snapshot.database()).isEqualTo("myapp");
		assertThat(snapshot.version()).isEqualTo("16.6");
	}

	@Test
	void handsOutOneStandbyOfAMachineCharmWithOneReplica() {
		assertThat(machine(12, "10.1.2.4").read().effective().standbys()).extracting((standby) -> standby.get("host"))
			.containsExactly("10.1.2.4");
	}

	@Test
	void handsOutNoStandbyWhenTheReadOnlyEndpointsOnlyRepeatThePrimary() {
		RelationSnapshot snapshot = machine(12).read().effective();
		assertThat(snapshot.master().get("host")).isEqualTo("10.1.2.3");
		assertThat(snapshot.standbys()).isEmpty();
	}

	@Test
	void leavesThePrimaryOutOfTheStandbys() {
		RelationSnapshot snapshot = machine(12, "10.1.2.3", "10.1.2.4").read().effective();
		assertThat(snapshot.standbys()).extracting((standby) -> standby.get("host")).containsExactly("10.1.2.4");
	}

	@Test
	void handsOutTheReplicasServiceOfAKubernetesCharmAsOneStandby() {
		String primary = "postgresql-k8s-primary.dev.svc.cluster.local";
		String replicas = "postgresql-k8s-replicas.dev.svc.cluster.local";
		RelationSnapshot snapshot = machine(3)
			.bag("endpoints", primary + ":5432", "read-only-endpoints", replicas + ":5432")
			.secret("secret-user", "username", "relation_id_3", "password", PASSWORD, "uris",
					"postgresql://relation_id_3:" + PASSWORD + "@" + primary + ":5432/myapp", "read-only-uris",
					"postgresql://relation_id_3:" + PASSWORD + "@" + replicas + ":5432:5432/myapp")
			.read()
			.effective();
		assertThat(snapshot.master().get("host")).isEqualTo(primary);
		assertThat(snapshot.standbys()).extracting((standby) -> standby.get("host")).containsExactly(replicas);
	}

	@Test
	void readsTheReplicasFromTheKubernetesCharmsReadOnlyUrisDespiteTheirDoubledPort() {
		String replicas = "postgresql-k8s-replicas.dev.svc.cluster.local";
		RelationSnapshot snapshot = machine(3).bag("read-only-endpoints", null)
			.secret("secret-user", "username", "relation_id_3", "password", PASSWORD, "read-only-uris",
					"postgresql://relation_id_3:" + PASSWORD + "@" + replicas + ":5432:5432/myapp")
			.read()
			.effective();
		assertThat(snapshot.standbys()).singleElement().satisfies((standby) -> {
			assertThat(standby.get("host")).isEqualTo(replicas);
			assertThat(standby.get("port")).isEqualTo("5432");
		});
	}

	@Test
	void readsTheHostsOfTheMachineCharmsReadOnlyUrisWithOnePortAfterTheLastHost() {
		RelationSnapshot snapshot = machine(3).bag("read-only-endpoints", null)
			.secret("secret-user", "username", "relation_id_3", "password", PASSWORD, "read-only-uris",
					"postgresql://relation_id_3:" + PASSWORD + "@10.1.2.4,10.1.2.5:5432/myapp")
			.read()
			.effective();
		assertThat(snapshot.standbys()).extracting((standby) -> standby.get("host"))
			.containsExactly("10.1.2.4", "10.1.2.5");
	}

	@Test
	void takesTheReadWriteHostFromTheUrisWithoutEndpoints() {
		RelationSnapshot snapshot = machine(12, "10.1.2.4").bag("endpoints", null).read().effective();
		assertThat(snapshot.readiness()).isEqualTo(Readiness.READY);
		assertThat(snapshot.master().get("host")).isEqualTo("10.1.2.3");
		assertThat(snapshot.master().get("password")).isEqualTo(PASSWORD);
	}

	@Test
	void connectsToSeveralReadWriteEndpointsAsOneMultiHostMaster() {
		ConnectionString master = machine(12).bag("endpoints", "10.1.2.3:5432,10.1.2.9:5433")
			.read()
			.effective()
			.master();
		assertThat(master.get("host")).isEqualTo("10.1.2.3,10.1.2.9");
		assertThat(master.get("port")).isEqualTo("5432,5433");
		assertThat(master.get("target_session_attrs")).isEqualTo("read-write");
		assertThat(master.toJdbc().url()).startsWith("jdbc:postgresql://10.1.2.3:5432,10.1.2.9:5433/myapp");
	}

	@Test
	void acceptsIpv6EndpointsBracketedOrNot() {
		RelationSnapshot snapshot = machine(12)
			.bag("endpoints", "[2001:db8::3]:5432", "read-only-endpoints", "2001:db8::4:5432,[2001:db8::5]:5433,::1")
			.read()
			.effective();
		assertThat(snapshot.master().hosts()).containsExactly(new ConnectionString.Host("2001:db8::3", 5432));
		assertThat(snapshot.standbys()).flatExtracting(ConnectionString::hosts)
			.containsExactlyInAnyOrder(new ConnectionString.Host("2001:db8::4", 5432),
					new ConnectionString.Host("2001:db8::5", 5433), new ConnectionString.Host("::1", 5432));
		assertThat(snapshot.master().toJdbc().url()).startsWith("jdbc:postgresql://[2001:db8::3]:5432/myapp");
	}

	@Test
	void acceptsAnOlderProvidersPlainCredentials() {
		RelationSnapshot snapshot = machine(12, "10.1.2.4").bag("secret-user", null)
			.unresolved("secret-user")
			.bag("username", "relation-12", "password", PASSWORD)
			.read()
			.effective();
		assertThat(snapshot.readiness()).isEqualTo(Readiness.READY);
		assertThat(snapshot.master().user()).isEqualTo("relation-12");
		assertThat(snapshot.master().get("password")).isEqualTo(PASSWORD);
	}

	@Test
	void prefersTheSecretsContentToPlainFields() {
		ConnectionString master = machine(12).bag("username", "plain", "password", "plain-password")
			.read()
			.effective()
			.master();
		assertThat(master.user()).isEqualTo("relation_id_12");
		assertThat(master.get("password")).isEqualTo(PASSWORD);
	}

	@Test
	void connectsWithVerifiedTlsAndTheRelationsCaInAPrivateFile() throws Exception {
		RelationSnapshot snapshot = machine(12, "10.1.2.4").tls(CA).read().effective();
		ConnectionString master = snapshot.master();
		assertThat(master.get("sslmode")).isEqualTo("verify-full");
		Path rootCertificate = Path.of(master.get("sslrootcert"));
		assertThat(rootCertificate).hasContent(CA.strip());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootCertificate)))
			.isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootCertificate.getParent())))
			.isEqualTo("rwx------");
		assertThat(snapshot.standbys()).allSatisfy((standby) -> {
			assertThat(standby.get("sslmode")).isEqualTo("verify-full");
			assertThat(standby.get("sslrootcert")).isEqualTo(rootCertificate.toString());
		});
		JdbcConnection jdbc = master.toJdbc();
		assertThat(jdbc.properties()).containsEntry("sslmode", "verify-full")
			.containsEntry("sslrootcert", rootCertificate.toString());
	}

	@Test
	void givesAnUnchangedCaAnEqualConnectionStringAndAnotherCaAnotherFile() {
		ConnectionString first = machine(12).tls(CA).read().effective().master();
		ConnectionString again = machine(12).tls(CA).read().effective().master();
		ConnectionString other = machine(12).tls(OTHER_CA).read().effective().master();
		assertThat(again).isEqualTo(first);
		assertThat(other.get("sslrootcert")).isNotEqualTo(first.get("sslrootcert"));
		assertThat(Path.of(other.get("sslrootcert"))).hasContent(OTHER_CA.strip());
	}

	@Test
	void writesTheCaAgainWhenItsFileWasRemoved() throws Exception {
		Path rootCertificate = Path.of(machine(12).tls(CA).read().effective().master().get("sslrootcert"));
		Files.delete(rootCertificate);
		assertThat(machine(12).tls(CA).read().effective().master().get("sslrootcert"))
			.isEqualTo(rootCertificate.toString());
		assertThat(rootCertificate).hasContent(CA.strip());
	}

	@Test
	void connectsWithoutTlsWhenTlsIsFalse() {
		ConnectionString master = machine(12).bag("secret-tls", "secret://4b1c/d0d1b")
			.secret("secret-tls", "tls", "False", "tls-ca", "")
			.read()
			.effective()
			.master();
		assertThat(master.get("sslmode")).isNull();
		assertThat(master.get("sslrootcert")).isNull();
	}

	@Test
	void reportsAMalformedCaByItsKeyWithoutItsText() {
		String notACertificate = "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> state(machine(12).tls(notACertificate)))
			.withMessageStartingWith("test.json: relations[0].secrets.secret-tls.tls-ca: ")
			.withMessageContaining("not a valid PEM certificate")
			.withMessageNotContaining("Tm90IGEg");
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> state(machine(12).bag("tls", "True", "tls-ca", "garbage")))
			.withMessageStartingWith("test.json: relations[0].remote-app-data.tls-ca: holds no PEM certificate")
			.withMessageNotContaining("garbage");
	}

	@Test
	void reportsAMalformedEndpointListByItsKey() {
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> state(machine(12).bag("read-only-endpoints", "10.1.2.4:5432,10.1.2.5:x")))
			.withMessageStartingWith(
					"test.json: relations[0].remote-app-data.read-only-endpoints: invalid host:port list: item 2 of 2");
	}

	@Test
	void reportsAMalformedUriWithoutItsPassword() {
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> state(machine(12).bag("endpoints", null)
				.secret("secret-user", "username", "u", "password", PASSWORD, "uris",
						"postgresql://u:" + PASSWORD + "@10.1.2.3:port/myapp")))
			.withMessageStartingWith("test.json: relations[0].secrets.secret-user.uris: invalid URI")
			.withMessageNotContaining(PASSWORD);
	}

	@Test
	void reportsAPasswordThatNoConnectionStringCanHoldWithoutIt() {
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> state(
					machine(12).secret("secret-user", "username", "relation_id_12", "password", PASSWORD + "\u0000")))
			.withMessageStartingWith("test.json: relations[0]: the published values make no valid connection string")
			.withMessageNotContaining(PASSWORD);
	}

	@Test
	void reportsATlsValueThatIsNeitherTrueNorFalse() {
		assertThatExceptionOfType(RelationStateException.class).isThrownBy(() -> state(machine(12).bag("tls", "yes")))
			.withMessageStartingWith("test.json: relations[0].remote-app-data.tls: expected \"True\" or \"False\"");
	}

	@Test
	void requiresTheRequestedDatabase() {
		ClientEntries entry = machine(12);
		entry.put("requested", java.util.Map.of("extra-user-roles", "CREATEDB"));
		assertThatExceptionOfType(RelationStateException.class).isThrownBy(() -> state(entry))
			.withMessageStartingWith("test.json: relations[0].requested.database: required field is missing");
	}

	@Test
	void namesBothInterfacesWhenAnEntryNamesAnUnknownOne() {
		ClientEntries entry = machine(12);
		entry.put("interface", "mysql_client");
		assertThatExceptionOfType(RelationStateException.class).isThrownBy(() -> state(entry))
			.withMessageContaining("relations[0].interface: unknown Juju interface")
			.withMessageContaining("pgsql")
			.withMessageContaining("postgresql_client");
	}

	@Test
	void neverShowsThePasswordInTheEntrysDescription() {
		assertThat(machine(12).read().toString()).doesNotContain(PASSWORD);
	}

}
