package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingTopology;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes the topology of a real cluster many times through the state file while client
 * threads run transactions, and checks at checkpoints and at the end that nothing leaks:
 * the routing's pools are the relation's backends, HikariCP's threads belong to live
 * pools, every server holds only the connections of the pools that point at it, threads
 * and used heap come back to where they started, and no acknowledged write is lost.
 * <p>
 * Most changes add a running standby to the relation or take one out of it; every
 * {@code realEvery}-th one adds a new standby server to the cluster or removes one; every
 * {@code switchoverEvery}-th one is a planned switchover of the master.
 */
final class TopologySoak {

	private static final int POOL_SIZE = 4;

	static final String[] PROPERTIES = { "test.transaction-manager=jdbc",
			"pgsql.relation.pool.maximum-pool-size=" + POOL_SIZE, "pgsql.relation.pool.connection-timeout=2000",
			"pgsql.relation.pool.validation-timeout=1000", "pgsql.relation.pool.data-source-properties.socketTimeout=5",
			"pgsql.relation.pool.data-source-properties.connectTimeout=2",
			"pgsql.relation.routing.standby-retry-interval=1s", "pgsql.relation.routing.retire-timeout=5s" };

	private final PostgresCluster cluster;

	private final Path stateFile;

	private final Random random;

	private final Set<PostgresNode> advertised = new LinkedHashSet<>();

	private ConfigurableApplicationContext context;

	private long housekeepersBefore;

	private RelationRoutingDataSource routing;

	TopologySoak(PostgresCluster cluster, Path stateFile, long seed) {
		this.cluster = cluster;
		this.stateFile = stateFile;
		this.random = new Random(seed);
	}

	/**
	 * Runs the soak.
	 * @param changes how many topology changes
	 * @param clients how many client threads (a quarter of them write)
	 * @param checkpointEvery how many changes between full leak checks
	 * @param realEvery how many changes between adding or removing a standby server
	 * @param switchoverEvery how many changes between switchovers
	 * @return what was measured
	 */
	Report run(int changes, int clients, int checkpointEvery, int realEvery, int switchoverEvery) throws Exception {
		long started = System.nanoTime();
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE item (id bigint PRIMARY KEY)");
			statement.execute("CREATE TABLE note (id bigint PRIMARY KEY, text varchar(255))");
		}
		this.advertised.addAll(this.cluster.standbys());
		// Other tests in this JVM may have left pools behind: count only this soak's
		this.housekeepersBefore = housekeeperThreads();
		writeStateFile();
		this.context = IntegrationApplication.run(this.stateFile, PROPERTIES);
		try {
			this.routing = this.context.getBean(RelationRoutingDataSource.class);
			awaitApplied();
			Map<String, Integer> connectionsBefore = serverConnections();
			int threadsBefore = liveThreads();
			long heapBefore = usedHeap();
			int writers = Math.max(1, clients / 4);
			ClientLoad load = new ClientLoad(this.context, writers, clients - writers);
			int switchovers = 0;
			int serversAdded = 0;
			int serversRemoved = 0;
			try {
				load.awaitWrites(20);
				for (int change = 1; change <= changes; change++) {
					if (change % switchoverEvery == 0) {
						switchover();
						switchovers++;
					}
					else if (change % realEvery == 0) {
						if (addOrRemoveServer()) {
							serversAdded++;
						}
						else {
							serversRemoved++;
						}
					}
					else {
						toggleStandby();
					}
					if (change % checkpointEvery == 0 || change == changes) {
						load.hold();
						try {
							checkpoint();
						}
						finally {
							load.release();
						}
					}
				}
				load.stop(Duration.ofSeconds(15));
			}
			finally {
				load.close();
			}
			checkpoint();
			Map<String, Integer> connectionsAfter = serverConnections();
			awaitThreadsBackTo(threadsBefore);
			int threadsAfter = liveThreads();
			long heapAfter = usedHeap();
			BitSet lost = load.acknowledged();
			lost.andNot(committedIds());
			return new Report(changes, switchovers, serversAdded, serversRemoved,
					Duration.ofNanos(System.nanoTime() - started), load.counts(), load.slowestCall(), load.failures(),
					lost.cardinality(), connectionsBefore, connectionsAfter, threadsBefore, threadsAfter, heapBefore,
					heapAfter);
		}
		finally {
			this.context.close();
		}
	}

	private void toggleStandby() {
		List<PostgresNode> standbys = this.cluster.runningStandbys();
		PostgresNode chosen = standbys.get(this.random.nextInt(standbys.size()));
		if (!this.advertised.remove(chosen)) {
			this.advertised.add(chosen);
		}
		apply();
	}

	/** Returns whether a server was added (else one was removed). */
	private boolean addOrRemoveServer() {
		List<PostgresNode> candidates = this.advertised.stream().toList();
		if (this.cluster.standbys().size() < 4 || candidates.isEmpty()) {
			this.advertised.add(this.cluster.addStandby());
			apply();
			return true;
		}
		PostgresNode leaving = candidates.get(this.random.nextInt(candidates.size()));
		this.advertised.remove(leaving);
		apply();
		this.cluster.removeStandby(leaving);
		return false;
	}

	private void switchover() {
		List<PostgresNode> standbys = this.cluster.runningStandbys();
		PostgresNode chosen = standbys.get(this.random.nextInt(standbys.size()));
		this.cluster.switchover(chosen);
		this.advertised.remove(chosen);
		this.advertised.retainAll(this.cluster.runningStandbys());
		apply();
	}

	private void apply() {
		writeStateFile();
		awaitApplied();
	}

	private void writeStateFile() {
		RelationStateFiles.resolved(this.cluster)
			.master(this.cluster.primary())
			.standbys(List.copyOf(this.advertised))
			.write(this.stateFile);
	}

	/** Waits until the routing's pools are exactly the relation's backends. */
	private void awaitApplied() {
		String master = address(this.cluster.primary());
		Set<String> standbys = this.advertised.stream().map(TopologySoak::address).collect(Collectors.toSet());
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(5)).until(() -> {
			RoutingTopology topology = this.routing.topology();
			return topology.master() != null && topology.master().backend().address().equals(master)
					&& addresses(topology.standbys()).equals(standbys);
		});
	}

	/**
	 * With the clients held, waits until the retired pools have closed, then checks that
	 * HikariCP runs one housekeeper per live pool and that every server holds exactly the
	 * connections of the pools pointing at it, and none where no pool points.
	 */
	private void checkpoint() {
		try {
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				RoutingTopology topology = this.routing.topology();
				assertThat(topology.retiring()).isEmpty();
				assertThat(housekeeperThreads() - this.housekeepersBefore).isEqualTo(1 + topology.standbys().size());
				assertThat(serverConnections()).isEqualTo(poolConnections(topology));
			});
		}
		catch (RuntimeException | AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "\n" + diagnosis(), ex);
		}
	}

	/**
	 * The pools, and the connections the servers see, to tell where a leak comes from.
	 */
	private String diagnosis() {
		StringBuilder text = new StringBuilder();
		RoutingTopology topology = this.routing.topology();
		List<RoutingTopology.PoolStatus> pools = new ArrayList<>(topology.standbys());
		pools.add(topology.master());
		pools.addAll(topology.retiring());
		Thread.getAllStackTraces().forEach((thread, stack) -> {
			if (thread.getName().startsWith("pgsql-relation-")) {
				text.append("thread ").append(thread.getName()).append(' ').append(thread.getState()).append('\n');
				for (int i = 0; i < Math.min(12, stack.length); i++) {
					text.append("    at ").append(stack[i]).append('\n');
				}
			}
		});
		pools.forEach((pool) -> text.append("pool ")
			.append(pool.backend())
			.append(": total ")
			.append(pool.pool().getTotalConnections())
			.append('\n'));
		for (PostgresNode node : this.cluster.nodes()) {
			if (!node.isRunning()) {
				continue;
			}
			try (Connection connection = node.connectAsSuperuser();
					java.sql.PreparedStatement statement = connection
						.prepareStatement("SELECT pid, client_port, backend_start, state, state_change, left(query, 60)"
								+ " FROM pg_stat_activity WHERE usename = ? AND application_name <> 'pgsql-relation-test'")) {
				statement.setString(1, this.cluster.user());
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						text.append(address(node))
							.append(": pid ")
							.append(rows.getInt(1))
							.append(" port ")
							.append(rows.getInt(2))
							.append(" started ")
							.append(rows.getString(3))
							.append(' ')
							.append(rows.getString(4))
							.append(" since ")
							.append(rows.getString(5))
							.append(": ")
							.append(rows.getString(6))
							.append('\n');
					}
				}
			}
			catch (SQLException ex) {
				text.append(address(node)).append(": ").append(ex.getMessage()).append('\n');
			}
		}
		return text.toString();
	}

	private Map<String, Integer> poolConnections(RoutingTopology topology) {
		Map<String, Integer> expected = new LinkedHashMap<>();
		for (PostgresNode node : this.cluster.nodes()) {
			if (node.isRunning()) {
				expected.put(address(node), 0);
			}
		}
		List<RoutingTopology.PoolStatus> pools = new ArrayList<>(topology.standbys());
		pools.add(topology.master());
		for (RoutingTopology.PoolStatus pool : pools) {
			expected.merge(pool.backend().address(), pool.pool().getTotalConnections(), Integer::sum);
		}
		return expected;
	}

	private Map<String, Integer> serverConnections() {
		Map<String, Integer> connections = new LinkedHashMap<>();
		for (PostgresNode node : this.cluster.nodes()) {
			if (node.isRunning()) {
				connections.put(address(node), this.cluster.serverConnections(node));
			}
		}
		return connections;
	}

	private BitSet committedIds() throws SQLException {
		BitSet ids = new BitSet();
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id FROM item")) {
			while (rows.next()) {
				ids.set((int) rows.getLong(1));
			}
		}
		return ids;
	}

	static long housekeeperThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("pgsql-relation-db-")
					&& thread.getName().endsWith(":housekeeper"))
			.count();
	}

	private static int liveThreads() {
		return Thread.activeCount();
	}

	/**
	 * HikariCP's connection adder and closer threads, and the routing's housekeeper, end
	 * a few seconds after their last task.
	 */
	private static void awaitThreadsBackTo(int baseline) {
		await().atMost(Duration.ofSeconds(60)).until(() -> liveThreads() <= baseline);
	}

	private static long usedHeap() {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

	private static Set<String> addresses(List<RoutingTopology.PoolStatus> pools) {
		return pools.stream().map((pool) -> pool.backend().address()).collect(Collectors.toSet());
	}

	private static String address(PostgresNode node) {
		return node.host() + ":" + node.port();
	}

	/**
	 * What a soak measured.
	 *
	 * @param changes topology changes made
	 * @param switchovers planned switchovers among them
	 * @param serversAdded standby servers added to the cluster among them
	 * @param serversRemoved standby servers removed among them
	 * @param duration how long the soak took, start-up included
	 * @param calls client calls that succeeded and failed
	 * @param slowestCall the longest client call
	 * @param failures what failed calls threw, and how often
	 * @param lostWrites acknowledged writes missing at the end
	 * @param connectionsBefore the relation user's connections per server after start-up
	 * @param connectionsAfter the same at the end
	 * @param threadsBefore live threads after start-up
	 * @param threadsAfter live threads at the end
	 * @param heapBefore used heap after start-up and a full collection
	 * @param heapAfter the same at the end
	 */
	record Report(int changes, int switchovers, int serversAdded, int serversRemoved, Duration duration,
			ClientLoad.Counts calls, Duration slowestCall, Map<String, Long> failures, int lostWrites,
			Map<String, Integer> connectionsBefore, Map<String, Integer> connectionsAfter, int threadsBefore,
			int threadsAfter, long heapBefore, long heapAfter) {

		@Override
		public String toString() {
			StringBuilder text = new StringBuilder();
			text.append(String.format(
					"%d changes (%d switchovers, %d standby servers added, %d removed) in %d s%n"
							+ "calls: %s, slowest %d ms, %d acknowledged writes lost%n"
							+ "server connections of the relation user: before %s, after %s%n"
							+ "threads: before %d, after %d; used heap: before %.1f MB, after %.1f MB%n",
					this.changes, this.switchovers, this.serversAdded, this.serversRemoved, this.duration.toSeconds(),
					this.calls, this.slowestCall.toMillis(), this.lostWrites, this.connectionsBefore,
					this.connectionsAfter, this.threadsBefore, this.threadsAfter, this.heapBefore / 1048576.0,
					this.heapAfter / 1048576.0));
			this.failures.forEach((failure, count) -> text.append(String.format("  %d x %s%n", count, failure)));
			return text.toString();
		}

	}

}
