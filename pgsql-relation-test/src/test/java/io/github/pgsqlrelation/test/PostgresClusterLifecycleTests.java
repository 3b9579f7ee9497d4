package io.github.pgsqlrelation.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.test.PostgresClusterTests.execute;
import static io.github.pgsqlrelation.test.PostgresClusterTests.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for the topology changes of {@link PostgresCluster}, each on its own cluster.
 */
class PostgresClusterLifecycleTests {

	@Test
	void addedStandbyIsClonedWithTheLowLevelBackupApiWhenToldNotToUsePgBasebackup() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.builder().useBaseBackupTool(false).start()) {
			execute(cluster.primary(), "CREATE TABLE before_backup AS SELECT 1 AS id");
			PostgresNode standby = cluster.addStandby();
			assertThat(cluster.standbys()).containsExactly(standby);
			assertThat(Files.readString(standby.dataDirectory().resolve("backup_label.old")))
				.contains("LABEL: pgsql-relation-test");
			execute(cluster.primary(), "CREATE TABLE after_backup AS SELECT 2 AS id");
			cluster.awaitReplication();
			assertThat(queryString(standby, "SELECT id::text FROM before_backup")).isEqualTo("1");
			assertThat(queryString(standby, "SELECT id::text FROM after_backup")).isEqualTo("2");
		}
	}

	@Test
	void addedStandbyIsClonedWithPgBasebackupWhenTheBinariesHaveIt() throws Exception {
		assumeThat(PostgresBinaries.locate().hasBaseBackupTool()).isTrue();
		try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
			PostgresNode standby = cluster.addStandby();
			assertThat(cluster.standbys()).hasSize(2).endsWith(standby);
			assertThat(Files.readString(standby.dataDirectory().resolve("backup_label.old")))
				.contains("LABEL: pg_basebackup");
			execute(cluster.primary(), "CREATE TABLE replicated AS SELECT 3 AS id");
			cluster.awaitReplication();
			assertThat(queryString(standby, "SELECT id::text FROM replicated")).isEqualTo("3");
		}
	}

	@Test
	void switchoverPromotesTheStandbyStopsTheFormerPrimaryAndRepointsTheOtherStandbys() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.start(2)) {
			PostgresNode former = cluster.primary();
			PostgresNode chosen = cluster.standbys().get(0);
			PostgresNode other = cluster.standbys().get(1);
			execute(former, "CREATE TABLE before_switchover AS SELECT 1 AS id");
			cluster.switchover(chosen);
			assertThat(cluster.primary()).isSameAs(chosen);
			assertThat(cluster.standbys()).containsExactly(other);
			assertThat(former.isRunning()).isFalse();
			assertThat(queryString(chosen, "SELECT id::text FROM before_switchover")).isEqualTo("1");
			execute(chosen, "CREATE TABLE after_switchover AS SELECT 2 AS id");
			cluster.awaitReplication();
			assertThat(queryString(other, "SELECT id::text FROM after_switchover")).isEqualTo("2");
		}
	}

	@Test
	void promoteMakesAStandbyWritableAndLeavesTheFormerPrimaryRunning() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.start(1)) {
			PostgresNode former = cluster.primary();
			PostgresNode standby = cluster.standbys().get(0);
			cluster.promote(standby);
			assertThat(cluster.primary()).isSameAs(standby);
			assertThat(cluster.standbys()).isEmpty();
			assertThat(former.isRunning()).isTrue();
			execute(standby, "CREATE TABLE after_failover AS SELECT 1 AS id");
			assertThat(queryString(standby, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
		}
	}

	@Test
	void killedNodeIsGoneAndComesBackThroughCrashRecoveryWhenStarted() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.start(1)) {
			PostgresNode standby = cluster.standbys().get(0);
			long pid = standby.pid().orElseThrow();
			cluster.kill(standby);
			assertThat(standby.isRunning()).isFalse();
			assertThat(ProcessKiller.isAlive(pid)).isFalse();
			execute(cluster.primary(), "CREATE TABLE while_down AS SELECT 1 AS id");
			cluster.start(standby);
			cluster.awaitReplication();
			assertThat(queryString(standby, "SELECT id::text FROM while_down")).isEqualTo("1");
			PostgresNode primary = cluster.primary();
			cluster.kill(primary);
			assertThat(primary.isRunning()).isFalse();
			cluster.start(primary);
			assertThat(queryString(primary, "SELECT id::text FROM while_down")).isEqualTo("1");
		}
	}

	@Test
	void stoppedStandbyCatchesUpWhenStartedAgain() throws Exception {
		try (PostgresCluster cluster = PostgresCluster.start(1)) {
			PostgresNode standby = cluster.standbys().get(0);
			cluster.stop(standby);
			assertThat(standby.isRunning()).isFalse();
			assertThat(cluster.runningStandbys()).isEmpty();
			execute(cluster.primary(), "CREATE TABLE while_stopped AS SELECT 1 AS id");
			cluster.start(standby);
			cluster.awaitReplication();
			assertThat(queryString(standby, "SELECT id::text FROM while_stopped")).isEqualTo("1");
		}
	}

	@Test
	void removedStandbyIsStoppedAndItsDataDeleted() {
		try (PostgresCluster cluster = PostgresCluster.start(2)) {
			PostgresNode removed = cluster.standbys().get(0);
			long pid = removed.pid().orElseThrow();
			cluster.removeStandby(removed);
			assertThat(cluster.standbys()).hasSize(1).doesNotContain(removed);
			assertThat(cluster.nodes()).doesNotContain(removed);
			assertThat(removed.directory()).doesNotExist();
			assertThat(ProcessKiller.isAlive(pid)).isFalse();
			assertThatIllegalArgumentException().isThrownBy(() -> cluster.promote(removed))
				.withMessageContaining("is not a node of this cluster");
		}
	}

	@Test
	void closeLeavesNoServerProcessAndNoDirectory() throws SQLException {
		PostgresCluster cluster = PostgresCluster.start(2);
		List<ProcessHandle> processes = new ArrayList<>();
		for (PostgresNode node : cluster.nodes()) {
			ProcessHandle postmaster = ProcessHandle.of(node.pid().orElseThrow()).orElseThrow();
			processes.add(postmaster);
			processes.addAll(postmaster.descendants().toList());
		}
		Path root = cluster.rootDirectory();
		assertThat(processes).hasSizeGreaterThan(3);
		cluster.close();
		assertThat(processes).noneMatch(ProcessKiller::isAlive);
		assertThat(root).doesNotExist();
		cluster.close();
	}

	@Test
	void directoriesOfClustersWhoseJvmDiedAreSweptWithTheirServers() throws Exception {
		PostgresCluster orphan = PostgresCluster.start(1);
		try {
			Path root = orphan.rootDirectory();
			List<Long> pids = orphan.nodes().stream().map((node) -> node.pid().orElseThrow()).toList();
			Process finished = new ProcessBuilder("true").start();
			finished.waitFor();
			Files.writeString(root.resolve(ClusterReaper.OWNER_FILE), Long.toString(finished.pid()));
			ClusterReaper.sweepOrphans(root.getParent());
			assertThat(root).doesNotExist();
			assertThat(pids).noneMatch(ProcessKiller::isAlive);
		}
		finally {
			orphan.close();
		}
	}

	@Test
	void sweepLeavesDirectoriesOfLiveJvmsAlone() {
		try (PostgresCluster cluster = PostgresCluster.start(0)) {
			ClusterReaper.sweepOrphans(cluster.rootDirectory().getParent());
			assertThat(cluster.rootDirectory()).exists();
			assertThat(cluster.primary().isRunning()).isTrue();
		}
	}

}
