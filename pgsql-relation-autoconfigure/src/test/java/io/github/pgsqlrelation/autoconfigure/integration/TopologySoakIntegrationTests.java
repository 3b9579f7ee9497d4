package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;

import io.github.pgsqlrelation.test.PostgresCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topology changes under concurrent load leak no pool, thread, server connection or
 * memory, and lose no acknowledged write: a short run with every build, the full one
 * (1,000 changes) in the long run.
 */
class TopologySoakIntegrationTests {

	/**
	 * A leaked pool keeps its HikariCP pool, metrics and up to four pgjdbc connections
	 * with their buffers, some hundreds of KB: a thousand changes, each retiring a pool,
	 * would leak far more than this if even a few percent of them stayed.
	 */
	private static final long HEAP_GROWTH_BOUND = 32L * 1024 * 1024;

	@TempDir
	Path directory;

	@Test
	void thirtyTopologyChangesUnderLoadLeakNothingAndLoseNoWrite() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.start(2)) {
			TopologySoak.Report report = new TopologySoak(cluster, this.directory.resolve("pgsql-relation.json"), 30)
				.run(30, 8, 10, 10, 13);
			assertNothingLeakedOrLost(report, 2);
		}
	}

	@Test
	@Tag("soak")
	void aThousandTopologyChangesUnderLoadLeakNothingAndLoseNoWrite() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.start(3)) {
			TopologySoak.Report report = new TopologySoak(cluster, this.directory.resolve("pgsql-relation.json"), 1000)
				.run(1000, 16, 100, 20, 100);
			assertNothingLeakedOrLost(report, 10);
		}
	}

	private static void assertNothingLeakedOrLost(TopologySoak.Report report, int switchovers) {
		System.out.print("Soak: " + report);
		assertThat(report.switchovers()).isEqualTo(switchovers);
		assertThat(report.lostWrites()).isZero();
		assertThat(report.calls().writesSucceeded()).isPositive();
		assertThat(report.calls().readsSucceeded()).isPositive();
		assertThat(report.threadsAfter()).isLessThanOrEqualTo(report.threadsBefore());
		assertThat(report.heapAfter() - report.heapBefore()).isLessThan(HEAP_GROWTH_BOUND);
	}

}
