package io.github.pgsqlrelation.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.PoolCustomizer;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingListener;
import io.github.pgsqlrelation.routing.RoutingSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The refresh of the routing itself: a snapshot whose standbys differ in one of
 * {@link #standbys} standbys, alternating, so that every change creates one pool and
 * retires one. Pools keep no idle connection, so nothing connects and this is the
 * routing's own cost (and HikariCP's pool creation), on the thread that publishes the
 * event; retired pools close in the background.
 * <p>
 * The number of standbys is a parameter: the standbys that stay keep their pools, so a
 * change should cost the same with 1, 4 or 16 of them. Every event checks, through the
 * routing's {@link RoutingListener}, that it created exactly one pool and retired exactly
 * one, and fails the benchmark otherwise.
 * <p>
 * Refreshes are rare and a pool is a heavy object, so a steady state would measure
 * something no application sees: each measurement is one cold batch of {@value #BATCH}
 * events, and the score is the time of the batch.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5, batchSize = RoutingRefreshBenchmarks.BATCH)
@Measurement(iterations = 10, batchSize = RoutingRefreshBenchmarks.BATCH)
@State(Scope.Benchmark)
public class RoutingRefreshBenchmarks {

	static final int BATCH = 50;

	private static final int FIRST_PORT = 15432;

	// Nothing listens here, and nothing connects: the pools keep no idle connection.
	private static final ConnectionString MASTER = server(FIRST_PORT);

	@Param({ "1", "4", "16" })
	public int standbys;

	private final PoolCounter pools = new PoolCounter();

	private RelationRoutingDataSource routed;

	private RelationSnapshot[] snapshots;

	private int next;

	@Setup(Level.Trial)
	public void start() {
		HikariConfig template = new HikariConfig();
		template.setMinimumIdle(0);
		template.setMaximumPoolSize(4);
		this.routed = new RelationRoutingDataSource(template, RoutingSettings.defaults(), Relations.ENDPOINT,
				this.pools, PoolCustomizer.NONE);
		// Both sets share all standbys but the last one.
		List<ConnectionString> staying = new ArrayList<>();
		for (int i = 1; i < this.standbys; i++) {
			staying.add(server(FIRST_PORT + i));
		}
		List<ConnectionString> first = with(staying, server(FIRST_PORT + this.standbys));
		List<ConnectionString> second = with(staying, server(FIRST_PORT + this.standbys + 1));
		Relations.publish(this.routed, Relations.snapshot(MASTER, first));
		this.pools.require(this.standbys + 1, 0, "publishing a master and " + this.standbys + " standby(s)");
		this.snapshots = new RelationSnapshot[] { Relations.snapshot(MASTER, second),
				Relations.snapshot(MASTER, first) };
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.routed != null) {
			this.routed.close();
		}
	}

	@Benchmark
	public void swapOneStandby() {
		this.routed.relationChanged(this.snapshots[this.next]);
		this.next = 1 - this.next;
		this.pools.require(1, 1, "changing one of " + this.standbys + " standby(s)");
	}

	private static List<ConnectionString> with(List<ConnectionString> standbys, ConnectionString last) {
		List<ConnectionString> all = new ArrayList<>(standbys);
		all.add(last);
		return List.copyOf(all);
	}

	private static ConnectionString server(int port) {
		return ConnectionString.parse("dbname=app host=127.0.0.1 password=secret port=" + port + " user=relation-7");
	}

	/**
	 * Counts the pools the routing creates and retires. Both are reported on the thread
	 * that publishes the event, the benchmark's own.
	 */
	private static final class PoolCounter implements RoutingListener {

		private int created;

		private int retired;

		@Override
		public void poolCreated(Backend backend, HikariDataSource pool) {
			this.created++;
		}

		@Override
		public void poolRetired(Backend backend, HikariDataSource pool) {
			this.retired++;
		}

		/**
		 * Fails unless exactly these many pools were created and retired since the last
		 * call.
		 */
		void require(int created, int retired, String change) {
			int actuallyCreated = this.created;
			int actuallyRetired = this.retired;
			this.created = 0;
			this.retired = 0;
			if (actuallyCreated != created || actuallyRetired != retired) {
				throw new IllegalStateException(change + " created " + actuallyCreated + " pool(s) and retired "
						+ actuallyRetired + ", expected " + created + " and " + retired);
			}
		}

	}

}
