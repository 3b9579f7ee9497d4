package io.github.pgsqlrelation.test;

import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.test.PostgresClusterTests.execute;
import static io.github.pgsqlrelation.test.PostgresClusterTests.queryString;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedBinaries}: what a machine without PostgreSQL installed runs.
 */
class EmbeddedBinariesTests {

	@Test
	void binariesFromTheClassPathAreUnpackedOnceAndLackPgBasebackup() {
		PostgresBinaries binaries = EmbeddedBinaries.unpack();
		assertThat(binaries.isComplete()).isTrue();
		assertThat(binaries.hasBaseBackupTool()).isFalse();
		assertThat(EmbeddedBinaries.unpack()).isEqualTo(binaries);
	}

	@Test
	void clusterRunsOnTheUnpackedBinariesAndAddsStandbysWithoutPgBasebackup() throws Exception {
		PostgresBinaries binaries = EmbeddedBinaries.unpack();
		try (PostgresCluster cluster = PostgresCluster.builder()
			.standbys(1)
			.binDirectory(binaries.directory())
			.start()) {
			assertThat(cluster.serverVersion()).startsWith("15.");
			PostgresNode added = cluster.addStandby();
			execute(cluster.primary(), "CREATE TABLE embedded AS SELECT 1 AS id");
			cluster.awaitReplication();
			for (PostgresNode standby : cluster.standbys()) {
				assertThat(queryString(standby, "SELECT id::text FROM embedded")).isEqualTo("1");
			}
			assertThat(cluster.standbys()).hasSize(2).endsWith(added);
		}
	}

}
