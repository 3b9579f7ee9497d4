package io.github.pgsqlrelation.relation.postgresqlclient;

import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.CA;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.PASSWORD;
import static io.github.pgsqlrelation.relation.postgresqlclient.ClientEntries.machine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reason a {@code postgresql_client} relation is not ready, in the order the rules
 * are checked; a reason names keys, never a value that may be a secret.
 */
class ReadinessReasonsTests {

	@Test
	void waitsForTheDatabaseToBePublished() {
		assertNotReady(machine(12).bag("database", null),
				"waiting for the database: the provider has not published database yet (requested 'myapp')");
	}

	@Test
	void refusesAnotherDatabaseThanTheRequestedOne() {
		assertNotReady(machine(12).bag("database", "orders"),
				"the provider published database 'orders' but 'myapp' was requested");
	}

	@Test
	void waitsForTheUserSecretToBeResolved() {
		assertNotReady(machine(12).unresolved("secret-user"),
				"waiting for credentials: the secret named in secret-user was not resolved");
	}

	@Test
	void waitsForTheUserSecretWrittenAsNull() {
		ClientEntries entry = machine(12);
		@SuppressWarnings("unchecked")
		java.util.Map<String, Object> secrets = (java.util.Map<String, Object>) entry.get("secrets");
		secrets.put("secret-user", null);
		assertNotReady(entry, "waiting for credentials: the secret named in secret-user was not resolved");
	}

	@Test
	void waitsForAPasswordInTheUserSecret() {
		assertNotReady(machine(12).secret("secret-user", "username", "relation_id_12"),
				"waiting for credentials: the secret named in secret-user has no password");
	}

	@Test
	void waitsForAUserNameInTheUserSecret() {
		assertNotReady(machine(12).secret("secret-user", "password", PASSWORD),
				"waiting for credentials: the secret named in secret-user has no username");
	}

	@Test
	void waitsForCredentialsFromAnOlderProvider() {
		assertNotReady(machine(12).bag("secret-user", null).unresolved("secret-user"),
				"waiting for credentials: neither secret-user nor username is published");
		assertNotReady(machine(12).bag("secret-user", null, "username", "relation-12").unresolved("secret-user"),
				"waiting for credentials: neither secret-user nor password is published");
	}

	@Test
	void waitsForTheReadWriteEndpoint() {
		assertNotReady(
				machine(12).bag("endpoints", null)
					.secret("secret-user", "username", "relation_id_12", "password", PASSWORD),
				"waiting for the read-write endpoint: neither endpoints nor uris is published");
	}

	@Test
	void waitsForTheTlsSecretToBeResolved() {
		assertNotReady(machine(12).tls(CA).unresolved("secret-tls"),
				"waiting for TLS settings: the secret named in secret-tls was not resolved");
	}

	@Test
	void waitsForTheCaWhenTlsIsOn() {
		assertNotReady(machine(12).bag("secret-tls", "secret://4b1c/d0d1b").secret("secret-tls", "tls", "True"),
				"waiting for the TLS CA: tls is True but tls-ca is not published");
		assertNotReady(machine(12).bag("tls", "True"),
				"waiting for the TLS CA: tls is True but tls-ca is not published");
	}

	@Test
	void reportsTheFirstRuleThatFails() {
		assertNotReady(machine(12).bag("database", null, "endpoints", null).unresolved("secret-user"),
				"waiting for the database: the provider has not published database yet (requested 'myapp')");
		assertNotReady(machine(12).bag("endpoints", null).unresolved("secret-user"),
				"waiting for credentials: the secret named in secret-user was not resolved");
	}

	private static void assertNotReady(ClientEntries entry, String reason) {
		RelationSnapshot snapshot = entry.read().effective();
		assertThat(snapshot.readiness()).isEqualTo(Readiness.notReady(reason));
		assertThat(snapshot.master()).isNull();
		assertThat(snapshot.standbys()).isEmpty();
		assertThat(snapshot.database()).isEqualTo("myapp");
	}

}
