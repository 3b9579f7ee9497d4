package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes across a failover that the relation has not reported yet: the master's pool
 * finds the promoted standby on its own.
 */
class RelationRoutingFailoverTests {

	private PostgresCluster cluster;

	private RelationRoutingDataSource dataSource;

	private final AtomicInteger failedWrites = new AtomicInteger();

	@BeforeEach
	void startCluster() {
		this.cluster = PostgresCluster.builder().standbys(2).start();
	}

	@AfterEach
	void stopCluster() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		this.cluster.close();
	}

	@Test
	void writesResumeOnThePromotedStandbyWhileTheRelationStillNamesTheDeadMaster() throws Exception {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(), "db");
		publish(this.dataSource, snapshot(this.cluster));
		Servers servers = new Servers(this.dataSource);
		assertThat(servers.whereWritesRun().port()).isEqualTo(this.cluster.primary().port());
		PostgresNode promoted = this.cluster.standbys().get(1);
		long killed = System.nanoTime();
		this.cluster.kill(this.cluster.primary());
		// The application keeps writing through the outage, as it would.
		CompletableFuture<Servers.Server> firstWrite = CompletableFuture.supplyAsync(() -> {
			while (true) {
				try {
					return servers.write((status) -> {
						servers.jdbc().execute("create table if not exists after_failover (id int)");
						return servers.here();
					});
				}
				catch (DataAccessException | TransactionException ex) {
					this.failedWrites.incrementAndGet();
				}
			}
		});
		// A few seconds without primary: the driver learns that every host it knows is no
		// primary.
		RelationRoutingDataSourceTests.sleep(3000);
		long promoting = System.nanoTime();
		this.cluster.promote(promoted);
		long promotedAt = System.nanoTime();
		Servers.Server server = firstWrite.get(20, TimeUnit.SECONDS);
		long done = System.nanoTime();
		System.out.printf(
				"Failover: first write %d ms after the promotion began (promotion took %d ms; %d ms "
						+ "after the kill), %d failed writes%n",
				Duration.ofNanos(done - promoting).toMillis(), Duration.ofNanos(promotedAt - promoting).toMillis(),
				Duration.ofNanos(done - killed).toMillis(), this.failedWrites.get());
		assertThat(server.port()).isEqualTo(promoted.port());
		assertThat(server.inRecovery()).isFalse();
		assertThat(Duration.ofNanos(done - promoting)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void afterASwitchoverWritesFollowAndTheRelationsNewMasterReplacesThePool() {
		RecordingListener listener = new RecordingListener();
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), RoutingSettings.defaults(), "db",
				listener, PoolCustomizer.NONE);
		publish(this.dataSource, snapshot(this.cluster));
		Servers servers = new Servers(this.dataSource);
		servers.whereWritesRun();
		PostgresNode promoted = this.cluster.standbys().get(0);
		this.cluster.switchover(promoted);
		// HikariCP hands out a connection used within the last 500 ms without checking
		// it: the switchover closed those, so a write right now could fail on one,
		// whatever the routing.
		RelationRoutingDataSourceTests.sleep(600);
		assertThat(servers.whereWritesRun().port()).isEqualTo(promoted.port());
		publish(this.dataSource, snapshot(this.cluster));
		assertThat(listener.retired).contains("pgsql-relation-db-master",
				"pgsql-relation-db-standby-127.0.0.1-" + promoted.port());
		assertThat(servers.whereWritesRun().port()).isEqualTo(promoted.port());
		assertThat(servers.whereReadsRun().port()).isEqualTo(this.cluster.standbys().get(0).port());
		assertThat(this.dataSource.topology().standbys()).hasSize(1);
	}

}
