package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.util.function.Function;

import io.github.pgsqlrelation.routing.RelationNotReadyException;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingTopology;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RawRelation;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A relation that is not ready hands out nothing: no pool is created, so no connection is
 * attempted, and the error says why.
 */
class NotReadyIntegrationTests {

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start(1);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void egressNotAllowedYet() {
		assertNotReady((relation) -> relation.egressNotAllowed(), "allowed-subnets");
	}

	@Test
	void databaseNotMirroredYet() {
		assertNotReady((relation) -> relation.databaseNotMirrored(), "database requested");
	}

	@Test
	void twoRelationsAreAmbiguous() {
		Path file = directory.resolve("two.json");
		RelationStateFiles.write(file, RelationStateFiles.raw(cluster).relationId(7),
				RelationStateFiles.raw(cluster).relationId(9).remoteApp("pg2"));
		assertNothingHandedOut(file, "Too many db relations");
	}

	private void assertNotReady(Function<RawRelation, RawRelation> notReady, String reason) {
		Path file = directory.resolve("state-" + System.nanoTime() + ".json");
		notReady.apply(RelationStateFiles.raw(cluster)).write(file);
		assertNothingHandedOut(file, reason);
	}

	private void assertNothingHandedOut(Path file, String reason) {
		try (ConfigurableApplicationContext context = IntegrationApplication.run(file)) {
			BackendService service = context.getBean(BackendService.class);
			assertThatException().isThrownBy(() -> service.writeWithJdbc(1))
				.havingRootCause()
				.isInstanceOf(RelationNotReadyException.class)
				.withMessageContaining(reason)
				.withMessageNotContaining(cluster.password());
			assertThatException().isThrownBy(service::readWithJdbc)
				.havingRootCause()
				.isInstanceOf(RelationNotReadyException.class);
			RoutingTopology topology = context.getBean(RelationRoutingDataSource.class).topology();
			assertThat(topology.master()).isNull();
			assertThat(topology.standbys()).isEmpty();
			assertThat(topology.noMasterReason()).contains(reason);
		}
	}

}
