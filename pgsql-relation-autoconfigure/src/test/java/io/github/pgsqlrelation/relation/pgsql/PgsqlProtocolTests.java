package io.github.pgsqlrelation.relation.pgsql;

import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.statefile.StateFiles;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.statefile.StateFiles.bag;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.raw;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness rules, including the cases of the Python library's own tests
 * ({@code TestPGSQLHelpers} in {@code tests/test_client.py}).
 */
class PgsqlProtocolTests {

	private static final Map<String, String> GRANTED = bag("allowed-subnets", "127.1.2.3/24");

	private static final Map<String, String> EGRESS = bag("egress-subnets", "127.1.2.3/24");

	private static @Nullable String unreadyReason(Map<String, String> requested, Map<String, String> local,
			Map<String, String> remote) {
		Requested request = new Requested(requested.getOrDefault("database", ""), requested.getOrDefault("roles", ""),
				requested.getOrDefault("extensions", ""));
		return PgsqlProtocol.unreadyReason(request, "myapp/0", local.getOrDefault("egress-subnets", ""),
				new Bag("postgresql/0", remote, null, List.of()));
	}

	@Test
	void isReadyWhenTheClientPublishesNoEgressSubnets() {
		assertThat(unreadyReason(Map.of(), Map.of(), Map.of())).isNull();
		assertThat(unreadyReason(Map.of(), Map.of(), bag("allowed-subnets", "127.23.0.0/24"))).isNull();
	}

	@Test
	void isNotReadyUntilAllowedSubnetsHoldTheEgressSubnets() {
		Map<String, String> local = bag("egress-subnets", "127.23.0.0/24");
		assertThat(unreadyReason(Map.of(), local, Map.of()))
			.isEqualTo("postgresql/0: allowed-subnets does not grant egress subnet(s) 127.23.0.0/24 of myapp/0");
		assertThat(unreadyReason(Map.of(), local, bag("allowed-subnets", "127.0.1/24"))).isNotNull();
	}

	@Test
	void isReadyWithDefaultsWhenAllowedSubnetsHoldTheEgressSubnets() {
		assertThat(unreadyReason(Map.of(), bag("egress-subnets", "127.23.1.0/24"),
				bag("allowed-subnets", "127.23.0.0/24,127.23.1.0/24")))
			.isNull();
	}

	@Test
	void isReadyOnlyWhenEveryEgressSubnetIsAllowed() {
		Map<String, String> local = bag("egress-subnets", "198.51.100.0/24, 192.0.2.0/24");
		assertThat(unreadyReason(Map.of(), local, bag("allowed-subnets", "192.0.2.0/24")))
			.endsWith("egress subnet(s) 198.51.100.0/24 of myapp/0");
		assertThat(unreadyReason(Map.of(), local, bag("allowed-subnets", " 192.0.2.0/24 ,198.51.100.0/24"))).isNull();
	}

	@Test
	void grantsAnEgressSubnetInsideAWiderAllowedSubnet() {
		assertThat(unreadyReason(Map.of(), bag("egress-subnets", "10.0.0.5/32"), bag("allowed-subnets", "10.0.0.0/24")))
			.isNull();
		assertThat(unreadyReason(Map.of(), bag("egress-subnets", "10.0.1.5/32"), bag("allowed-subnets", "10.0.0.0/24")))
			.isNotNull();
		assertThat(unreadyReason(Map.of(), bag("egress-subnets", "10.0.0.0/16"), bag("allowed-subnets", "10.0.0.0/24")))
			.isNotNull();
	}

	@Test
	void isNotReadyWhileARequestedSettingIsNotMirrored() {
		for (String key : List.of("database", "roles", "extensions")) {
			Map<String, String> local = bag("egress-subnets", "127.23.0.0/24");
			assertThat(unreadyReason(Map.of(key, "value"), local, bag("allowed-subnets", "127.23.1.0/24")))
				.isEqualTo("postgresql/0: " + key + " requested 'value' but not yet published");
			assertThat(unreadyReason(Map.of(key, "value"), local,
					bag("allowed-subnets", "127.23.1.0/24", key, "different")))
				.isEqualTo("postgresql/0: " + key + " requested 'value' but published 'different'");
		}
	}

	@Test
	void isReadyOnceEveryRequestedSettingIsMirrored() {
		Map<String, String> requested = new LinkedHashMap<>();
		Map<String, String> local = bag("egress-subnets", "127.0.0.0/24");
		Map<String, String> remote = bag("allowed-subnets", "127.0.0.0/24");
		for (String key : List.of("database", "roles", "extensions")) {
			requested.put(key, "value");
			assertThat(unreadyReason(requested, local, remote)).isNotNull();
			remote.put(key, "value");
			assertThat(unreadyReason(requested, local, remote)).isNull();
		}
	}

	@Test
	void acceptsAnyPublishedDatabaseWhenTheDefaultWasRequested() {
		assertThat(unreadyReason(Map.of(), Map.of(), bag("database", "relation-7"))).isNull();
	}

	@Test
	void treatsAMissingRoleOrExtensionAsEmpty() {
		assertThat(unreadyReason(Map.of("roles", "", "extensions", ""), Map.of(), Map.of())).isNull();
		assertThat(unreadyReason(Map.of(), Map.of(), bag("roles", "admin"))).isNotNull();
	}

	@Test
	void hasNoMasterWhenNothingIsPublished() {
		RelationSnapshot snapshot = raw(7).localUnitData(EGRESS).unit("postgresql/3", GRANTED).snapshot();
		assertThat(snapshot.master()).isNull();
		assertThat(snapshot.standbys()).isEmpty();
		assertThat(snapshot.readiness())
			.isEqualTo(Readiness.notReady("no remote bag publishes a master or standbys yet"));
	}

	@Test
	void hasNoMasterOrStandbysWhileTheBagIsNotReady() {
		RelationSnapshot snapshot = raw(7).localUnitData(EGRESS)
			.appData(bag("master", "host=master", "standbys", "host=standby1\nhost=standby2"))
			.snapshot();
		assertThat(snapshot.master()).isNull();
		assertThat(snapshot.standbys()).isEmpty();
		assertThat(snapshot.readiness()).isEqualTo(Readiness
			.notReady("postgresql: allowed-subnets " + "does not grant egress subnet(s) 127.1.2.3/24 of myapp/0"));
	}

	@Test
	void takesMasterAndStandbysFromTheReadyApplicationBag() {
		RelationSnapshot snapshot = raw(7).localUnitData(EGRESS)
			.appData(bag("master", "host=master", "standbys", "host=standby1\nhost=standby2", "allowed-subnets",
					"127.1.2.3/24"))
			.snapshot();
		assertThat(snapshot.readiness()).isEqualTo(Readiness.READY);
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=master"));
		assertThat(snapshot.standbys()).containsExactly(ConnectionString.parse("host=standby1"),
				ConnectionString.parse("host=standby2"));
		assertThat(snapshot.relation()).isEqualTo(new RelationRef("db", 7, "postgresql"));
	}

	@Test
	void fallsBackToAUnitBagWhenTheApplicationBagIsEmpty() {
		RelationSnapshot snapshot = raw(7).localUnitData(EGRESS)
			.appData(Map.of())
			.unit("postgresql/3", GRANTED)
			.unit("postgresql/4",
					bag("master", "host=master", "standbys", "host=standby1\nhost=standby2", "allowed-subnets",
							"127.1.2.3/24"))
			.snapshot();
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=master"));
		assertThat(snapshot.standbys()).hasSize(2);
	}

	@Test
	void prefersTheApplicationBagOverUnitBags() {
		RelationSnapshot snapshot = raw(7).localUnitData(EGRESS)
			.appData(bag("master", "host=app", "allowed-subnets", "127.1.2.3/24"))
			.unit("postgresql/0", bag("master", "host=unit", "allowed-subnets", "127.1.2.3/24"))
			.snapshot();
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=app"));
	}

	@Test
	void searchesUnitsInNaturalOrder() {
		RelationSnapshot snapshot = raw(7).unit("postgresql/10", bag("master", "host=ten"))
			.unit("postgresql/2", bag("master", "host=two"))
			.snapshot();
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=two"));
	}

	@Test
	void skipsABagThatIsNotReadyForTheNextOne() {
		RelationSnapshot snapshot = raw(7).localUnitData(EGRESS)
			.unit("postgresql/0", bag("master", "host=stale"))
			.unit("postgresql/1", bag("master", "host=granted", "allowed-subnets", "127.1.2.3/24"))
			.snapshot();
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=granted"));
	}

	@Test
	void takesMasterAndStandbysFromTheirOwnFirstReadyBag() {
		RelationSnapshot snapshot = raw(7).unit("postgresql/0", bag("standbys", "host=s"))
			.unit("postgresql/1", bag("master", "host=m"))
			.snapshot();
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=m"));
		assertThat(snapshot.standbys()).containsExactly(ConnectionString.parse("host=s"));
	}

	@Test
	void isReadyWithStandbysOnly() {
		RelationSnapshot snapshot = raw(7).unit("postgresql/0", bag("standbys", "host=s", "master", "")).snapshot();
		assertThat(snapshot.readiness().isReady()).isTrue();
		assertThat(snapshot.master()).isNull();
	}

	@Test
	void namesEveryBagThatIsNotReady() {
		RelationSnapshot snapshot = raw(7).requested(bag("database", "myapp", "roles", "admin"))
			.unit("postgresql/0", bag("master", "host=m", "database", "other"))
			.unit("postgresql/1", bag("standbys", "host=s", "database", "myapp"))
			.snapshot();
		assertThat(snapshot.readiness().reason()).isEqualTo("postgresql/0: database requested 'myapp' "
				+ "but published 'other'; postgresql/1: roles requested 'admin' but not yet published");
	}

	@Test
	void neverPutsAPasswordInTheReason() {
		RelationSnapshot snapshot = raw(7).requested(bag("database", "myapp"))
			.unit("postgresql/0", bag("master", "host=m password=Xq3vTn8sLw", "password", "Xq3vTn8sLw"))
			.snapshot();
		assertThat(snapshot.readiness().reason()).doesNotContain("Xq3vTn8sLw");
		assertThat(snapshot.toString()).doesNotContain("Xq3vTn8sLw");
	}

	@Test
	void reportsTheRequestedDatabase() {
		RelationSnapshot snapshot = raw(7).requested(bag("database", "myapp"))
			.unit("postgresql/0", bag("master", "host=m", "database", "myapp", "version", "14.9"))
			.snapshot();
		assertThat(snapshot.database()).isEqualTo("myapp");
		assertThat(snapshot.version()).isEqualTo("14.9");
	}

	@Test
	void reportsThePublishedDatabaseWhenTheDefaultWasRequested() {
		RelationSnapshot snapshot = raw(7).unit("postgresql/0", bag("master", "host=m", "database", "relation-7"))
			.snapshot();
		assertThat(snapshot.database()).isEqualTo("relation-7");
	}

	@Test
	void reportsNoDatabaseWhenTheDefaultWasRequestedAndNoneIsPublished() {
		assertThat(raw(7).unit("postgresql/0", bag("master", "host=m")).snapshot().database()).isNull();
	}

	@Test
	void reportsTheVersionOfAnotherBagWhenTheUsedOneHasNone() {
		RelationSnapshot snapshot = raw(7).appData(bag("master", "host=m"))
			.unit("postgresql/0", bag("version", "16"))
			.snapshot();
		assertThat(snapshot.version()).isEqualTo("16");
	}

	@Test
	void readsCommaJoinedStandbysInCanonicalOrder() {
		RelationSnapshot snapshot = raw(7)
			.unit("postgresql/0",
					bag("standbys", "host=b port=5432 user=u,host=a port=5432 user=u,port=5432 host=b user=u"))
			.snapshot();
		assertThat(snapshot.standbys()).containsExactly(ConnectionString.parse("host=a port=5432 user=u"),
				ConnectionString.parse("host=b port=5432 user=u"));
	}

	@Test
	void takesAResolvedRelationAsReady() {
		RelationSnapshot snapshot = StateFiles
			.state(StateFiles.resolved(11, "postgresql", "host=m", "host=s2", "host=s1"))
			.endpoint("db", null)
			.effective();
		assertThat(snapshot.readiness()).isEqualTo(Readiness.READY);
		assertThat(snapshot.master()).isEqualTo(ConnectionString.parse("host=m"));
		assertThat(snapshot.standbys()).containsExactly(ConnectionString.parse("host=s1"),
				ConnectionString.parse("host=s2"));
	}

}
