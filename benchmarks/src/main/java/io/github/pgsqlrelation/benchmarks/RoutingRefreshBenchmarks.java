package io.github.pgsqlrelation.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The refresh of the routing itself: a {@link StandbyChangedEvent} that swaps one of two
 * standbys, alternating, so that every event creates one pool and retires one. Pools keep
 * no idle connection, so nothing connects and this is the routing's own cost (and
 * HikariCP's pool creation), on the thread that publishes the event; retired pools close
 * in the background.
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

	// Nothing listens here, and nothing connects: the pools keep no idle connection.
	private static final ConnectionString MASTER = standby(15432);

	private RelationRoutingDataSource routed;

	private StandbyChangedEvent[] events;

	private int next;

	@Setup(Level.Trial)
	public void start() {
		HikariConfig template = new HikariConfig();
		template.setMinimumIdle(0);
		template.setMaximumPoolSize(4);
		this.routed = Relations.routing(template);
		List<ConnectionString> first = List.of(standby(15433), standby(15434));
		List<ConnectionString> second = List.of(standby(15433), standby(15435));
		Relations.publish(this.routed, Relations.snapshot(MASTER, first));
		this.events = new StandbyChangedEvent[] { new StandbyChangedEvent(Relations.snapshot(MASTER, second)),
				new StandbyChangedEvent(Relations.snapshot(MASTER, first)) };
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.routed != null) {
			this.routed.close();
		}
	}

	@Benchmark
	public void swapOneStandby() {
		this.routed.onStandbyChanged(this.events[this.next]);
		this.next = 1 - this.next;
	}

	private static ConnectionString standby(int port) {
		return ConnectionString.parse("dbname=app host=127.0.0.1 password=secret port=" + port + " user=relation-7");
	}

}
