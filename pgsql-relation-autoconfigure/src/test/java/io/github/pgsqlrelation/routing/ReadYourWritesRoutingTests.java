package io.github.pgsqlrelation.routing;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.routing.DelayedStandbys.delay;
import static io.github.pgsqlrelation.routing.Relations.connectionString;
import static io.github.pgsqlrelation.routing.Relations.publish;
import static io.github.pgsqlrelation.routing.Relations.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes against a real primary with two streaming standbys, one of them
 * delayed with {@code recovery_min_apply_delay}: a read after a write never misses it,
 * and without read-your-writes it does.
 */
class ReadYourWritesRoutingTests {

	private static final RoutingSettings READ_YOUR_WRITES = RoutingSettings.defaults()
		.withReadYourWrites(true)
		.withReadYourWritesWait(Duration.ofSeconds(5));

	private static final int PAIRS = 200;

	private static PostgresCluster cluster;

	private final RecordingListener listener = new RecordingListener();

	private RelationRoutingDataSource dataSource;

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = DelayedStandbys.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeDataSourceAndUndelay() throws SQLException {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		DelayedStandbys.undelayAll(cluster);
	}

	@Test
	void aReadAfterAWriteAlwaysSeesItThoughOneStandbyIsDelayed() throws Exception {
		Servers servers = routed(READ_YOUR_WRITES, snapshot(cluster));
		PostgresNode prompt = cluster.standbys().get(0);
		delay(cluster.standbys().get(1), "1s");
		int stale = 0;
		int onPrompt = 0;
		for (int i = 0; i < PAIRS; i++) {
			Read read = writeThenRead(servers);
			stale += read.found() ? 0 : 1;
			onPrompt += (read.server().port() == prompt.port()) ? 1 : 0;
			assertThat(read.server().readOnly()).isTrue();
		}
		assertThat(stale).isZero();
		assertThat(onPrompt).as("reads served by the standby that keeps up").isGreaterThan(PAIRS / 2);
	}

	@Test
	void withoutReadYourWritesAReadAfterAWriteMissesItOnTheDelayedStandby() throws Exception {
		Servers servers = routed(RoutingSettings.defaults(), snapshot(cluster));
		delay(cluster.standbys().get(1), "1s");
		int stale = 0;
		for (int i = 0; i < 40; i++) {
			stale += writeThenRead(servers).found() ? 0 : 1;
		}
		assertThat(stale).as("reads that missed the write just made").isGreaterThan(0);
	}

	@Test
	void aReadWaitsForAStandbyThatReplaysTheWriteWithinTheBound() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(READ_YOUR_WRITES, onlyStandby(delayed));
		delay(delayed, "500ms");
		long start = System.nanoTime();
		Read read = writeThenRead(servers);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(read.found()).isTrue();
		assertThat(read.server().port()).isEqualTo(delayed.port());
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.listener.fallbacks).hasValue(0);
	}

	@Test
	void aReadWaitsNoLongerThanTheBoundThenUsesTheMasterReadOnly() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Duration wait = Duration.ofMillis(300);
		Servers servers = routed(READ_YOUR_WRITES.withReadYourWritesWait(wait), onlyStandby(delayed));
		delay(delayed, "3s");
		int id = write(servers);
		long start = System.nanoTime();
		Read read = read(servers, id);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(read.found()).isTrue();
		assertThat(read.server().port()).isEqualTo(cluster.primary().port());
		assertThat(read.server().readOnly()).isTrue();
		assertThat(took).isGreaterThanOrEqualTo(wait).isLessThan(Duration.ofSeconds(2));
		assertThat(this.listener.fallbacksByReason.get(ReadFallbackReason.READ_YOUR_WRITES)).hasValue(1);
	}

	@Test
	void withoutWaitAReadTheStandbyCannotServeUsesTheMasterAtOnce() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(READ_YOUR_WRITES.withReadYourWritesWait(Duration.ZERO), onlyStandby(delayed));
		delay(delayed, "3s");
		Read read = writeThenRead(servers);
		assertThat(read.found()).isTrue();
		assertThat(read.server().port()).isEqualTo(cluster.primary().port());
	}

	@Test
	void writesInAutoCommitModeAreSeenToo() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(READ_YOUR_WRITES.withReadYourWritesWait(Duration.ZERO), onlyStandby(delayed));
		delay(delayed, "3s");
		// No transaction: the statement commits itself, and no commit() is called.
		int id = servers.jdbc()
			.queryForObject("insert into note (text) values ('auto-commit') returning id", Integer.class);
		Read read = read(servers, id);
		assertThat(read.found()).isTrue();
		assertThat(read.server().port()).isEqualTo(cluster.primary().port());
	}

	@Test
	void aThreadThatWroteNothingReadsFromTheStandbyAtOnce() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(READ_YOUR_WRITES, onlyStandby(delayed));
		delay(delayed, "3s");
		CompletableFuture.runAsync(() -> {
			// A fresh thread has written nothing: its reads go to the standby at once.
			assertThat(servers.whereReadsRun().port()).isEqualTo(delayed.port());
		}).get();
		assertThat(this.listener.fallbacks).hasValue(0);
	}

	@Test
	void anotherThreadSeesTheWritesOfAPositionItBinds() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(READ_YOUR_WRITES.withReadYourWritesWait(Duration.ZERO), onlyStandby(delayed));
		delay(delayed, "3s");
		WritePosition position = new WritePosition();
		int id;
		try (ReadYourWrites.Binding binding = ReadYourWrites.bind(position)) {
			id = write(servers);
		}
		Read unbound = CompletableFuture.supplyAsync(() -> read(servers, id)).get();
		Read bound = CompletableFuture.supplyAsync(() -> {
			try (ReadYourWrites.Binding binding = ReadYourWrites.bind(position)) {
				return read(servers, id);
			}
		}).get();
		assertThat(unbound.found()).as("another thread, unbound").isFalse();
		assertThat(bound.found()).as("another thread, bound to the writer's position").isTrue();
	}

	@Test
	void aPositionTheMasterNeverReachedIsDroppedByTheFirstReadOnTheMaster() throws Exception {
		PostgresNode delayed = cluster.standbys().get(1);
		Servers servers = routed(READ_YOUR_WRITES.withReadYourWritesWait(Duration.ofMillis(100)), onlyStandby(delayed));
		WritePosition position = new WritePosition();
		// As after a failover that lost the last writes: the scope waits for a position
		// beyond anything the cluster has.
		position.advance(Relations.ENDPOINT, 1L << 50);
		try (ReadYourWrites.Binding binding = ReadYourWrites.bind(position)) {
			assertThat(servers.whereReadsRun().port()).isEqualTo(cluster.primary().port());
			assertThat(position.required(Relations.ENDPOINT)).isLessThan(1L << 50);
			assertThat(servers.whereReadsRun().port()).isEqualTo(delayed.port());
		}
	}

	private Servers routed(RoutingSettings settings, io.github.pgsqlrelation.relation.RelationSnapshot snapshot) {
		this.dataSource = new RelationRoutingDataSource(Relations.poolTemplate(), settings, "db", this.listener,
				PoolCustomizer.NONE);
		publish(this.dataSource, snapshot);
		return new Servers(this.dataSource);
	}

	private static io.github.pgsqlrelation.relation.RelationSnapshot onlyStandby(PostgresNode standby) {
		return snapshot(connectionString(cluster.primary()), List.of(connectionString(standby)));
	}

	private static Read writeThenRead(Servers servers) {
		return read(servers, write(servers));
	}

	private static int write(Servers servers) {
		return servers.write((status) -> servers.jdbc()
			.queryForObject("insert into note (text) values ('read your writes') returning id", Integer.class));
	}

	private static Read read(Servers servers, int id) {
		return servers.read((status) -> new Read(
				servers.jdbc().queryForObject("select count(*) from note where id = ?", Integer.class, id) == 1,
				servers.here()));
	}

	/** Sets or (with {@code null}) resets the standby's recovery_min_apply_delay. */

	private record Read(boolean found, Servers.Server server) {

	}

}
