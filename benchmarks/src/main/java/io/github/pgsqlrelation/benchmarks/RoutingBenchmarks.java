package io.github.pgsqlrelation.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.HostSpec;

import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * The hot path: one transaction as Spring runs it, through the routing DataSource against
 * a real primary with two streaming standbys, and the same on a plain HikariCP pool
 * connected straight to one server. The difference is what the routing costs each
 * transaction. Unless its name says {@code TwoStandbys}, a routed benchmark uses a
 * routing DataSource with one standby, the one its {@code Direct} counterpart connects
 * to, so that both sides talk to the same servers.
 * <p>
 * Names pair up for {@link JmhRatios}: a {@code Routed} benchmark (or a {@code MultiHost}
 * one, pgjdbc's own multi-host URL on a plain pool) is compared with the benchmark whose
 * name has {@code Direct} in its place.
 * <p>
 * The {@code checkout} benchmarks make the same calls without a statement: no round trip
 * to a server, so the routing's share is not hidden in the network and server time. The
 * {@code TwoThreads} variants run two callers at once on one DataSource: a lock or a
 * shared hot spot in the routing would make them slower than the plain pool's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class RoutingBenchmarks {

	private static final int POOL_SIZE = 4;

	private PostgresCluster cluster;

	private RelationRoutingDataSource routedToTwoStandbys;

	private RelationRoutingDataSource routed;

	private HikariDataSource directToStandby;

	private HikariDataSource directToOtherStandby;

	private HikariDataSource directToPrimary;

	private HikariDataSource multiHostToStandbys;

	private int turn;

	@Setup(Level.Trial)
	public void start() throws SQLException {
		this.cluster = PostgresCluster.builder().standbys(2).start();
		this.routedToTwoStandbys = Relations.routing(poolTemplate());
		Relations.publish(this.routedToTwoStandbys, Relations.snapshot(connectionString(this.cluster.primary()),
				this.cluster.standbys().stream().map(RoutingBenchmarks::connectionString).toList()));
		this.routed = Relations.routing(poolTemplate());
		Relations.publish(this.routed, Relations.snapshot(connectionString(this.cluster.primary()),
				List.of(connectionString(this.cluster.standbys().get(0)))));
		this.directToStandby = direct(this.cluster.standbys().get(0));
		this.directToOtherStandby = direct(this.cluster.standbys().get(1));
		this.directToPrimary = direct(this.cluster.primary());
		this.multiHostToStandbys = multiHost(this.cluster.standbys());
		// Fail now, not while measuring, if a DataSource routes elsewhere.
		requireServer(this.routedToTwoStandbys, true, true);
		requireServer(this.routedToTwoStandbys, false, false);
		requireServer(this.routed, true, true);
		requireServer(this.routed, false, false);
		requireServer(this.directToStandby, true, true);
		requireServer(this.directToOtherStandby, true, true);
		requireServer(this.directToPrimary, false, false);
		requireServer(this.multiHostToStandbys, true, true);
		requireCheckoutOn(this.routedToTwoStandbys, true, this.cluster.standbys().get(0),
				this.cluster.standbys().get(1));
		requireCheckoutOn(this.routedToTwoStandbys, false, this.cluster.primary());
		requireCheckoutOn(this.routed, true, this.cluster.standbys().get(0));
		requireCheckoutOn(this.routed, false, this.cluster.primary());
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.routedToTwoStandbys != null) {
			this.routedToTwoStandbys.close();
		}
		if (this.routed != null) {
			this.routed.close();
		}
		if (this.directToStandby != null) {
			this.directToStandby.close();
		}
		if (this.directToOtherStandby != null) {
			this.directToOtherStandby.close();
		}
		if (this.directToPrimary != null) {
			this.directToPrimary.close();
		}
		if (this.multiHostToStandbys != null) {
			this.multiHostToStandbys.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	/**
	 * Routed to the very standby {@link #readOnlyDirect()} uses: the routing's cost
	 * without the difference between one server and two taking turns.
	 */
	@Benchmark
	public int readOnlyRouted() throws SQLException {
		return SpringTransactions.readOnly(this.routed);
	}

	@Benchmark
	public int readOnlyDirect() throws SQLException {
		return SpringTransactions.readOnly(this.directToStandby);
	}

	/** Round-robin over both standbys, as an application with two standbys reads. */
	@Benchmark
	public int readOnlyRoutedTwoStandbys() throws SQLException {
		return SpringTransactions.readOnly(this.routedToTwoStandbys);
	}

	/**
	 * Plain pools to both standbys taken in turn, as the routing does: what spreading
	 * reads over two servers costs by itself, without the routing.
	 */
	@Benchmark
	public int readOnlyDirectTwoStandbys() throws SQLException {
		this.turn = 1 - this.turn;
		return SpringTransactions.readOnly((this.turn == 0) ? this.directToStandby : this.directToOtherStandby);
	}

	/**
	 * One plain pool over pgjdbc's multi-host URL to both standbys
	 * ({@code targetServerType=preferSecondary&loadBalanceHosts=true}): the driver picks
	 * a server per physical connection, so the pool's connections are spread over both
	 * standbys and each transaction takes whichever is free.
	 */
	@Benchmark
	public int readOnlyMultiHostTwoStandbys() throws SQLException {
		return SpringTransactions.readOnly(this.multiHostToStandbys);
	}

	@Benchmark
	public int readWriteRouted() throws SQLException {
		return SpringTransactions.readWrite(this.routed);
	}

	@Benchmark
	public int readWriteDirect() throws SQLException {
		return SpringTransactions.readWrite(this.directToPrimary);
	}

	/**
	 * {@code getConnection()} and {@code close()} with nothing in between. The routing
	 * hands out Spring's lazy connection proxy, which takes no physical connection until
	 * a statement needs one, so this is the proxy alone, against HikariCP's borrow and
	 * return of a pooled connection: the cost of an application that opens a connection
	 * and never uses it.
	 */
	@Benchmark
	public boolean getCloseRouted() throws SQLException {
		return SpringTransactions.getClose(this.routed);
	}

	@Benchmark
	public boolean getCloseDirect() throws SQLException {
		return SpringTransactions.getClose(this.directToStandby);
	}

	@Benchmark
	public boolean getCloseMultiHost() throws SQLException {
		return SpringTransactions.getClose(this.multiHostToStandbys);
	}

	@Benchmark
	public Connection readOnlyCheckoutRouted() throws SQLException {
		return SpringTransactions.checkout(this.routed, true);
	}

	@Benchmark
	public Connection readOnlyCheckoutDirect() throws SQLException {
		return SpringTransactions.checkout(this.directToStandby, true);
	}

	@Benchmark
	public Connection readWriteCheckoutRouted() throws SQLException {
		return SpringTransactions.checkout(this.routed, false);
	}

	@Benchmark
	public Connection readWriteCheckoutDirect() throws SQLException {
		return SpringTransactions.checkout(this.directToPrimary, false);
	}

	@Benchmark
	@Threads(2)
	public int readOnlyRoutedTwoThreads() throws SQLException {
		return SpringTransactions.readOnly(this.routed);
	}

	@Benchmark
	@Threads(2)
	public int readOnlyDirectTwoThreads() throws SQLException {
		return SpringTransactions.readOnly(this.directToStandby);
	}

	@Benchmark
	@Threads(2)
	public int readWriteRoutedTwoThreads() throws SQLException {
		return SpringTransactions.readWrite(this.routed);
	}

	@Benchmark
	@Threads(2)
	public int readWriteDirectTwoThreads() throws SQLException {
		return SpringTransactions.readWrite(this.directToPrimary);
	}

	@Benchmark
	@Threads(2)
	public Connection readOnlyCheckoutRoutedTwoThreads() throws SQLException {
		return SpringTransactions.checkout(this.routed, true);
	}

	@Benchmark
	@Threads(2)
	public Connection readOnlyCheckoutDirectTwoThreads() throws SQLException {
		return SpringTransactions.checkout(this.directToStandby, true);
	}

	/**
	 * The application's pool settings, the same for every pool on both sides: a few
	 * connections, all kept open, so that no measurement waits for a connection to be
	 * made.
	 */
	private static HikariConfig poolTemplate() {
		HikariConfig template = new HikariConfig();
		template.setMaximumPoolSize(POOL_SIZE);
		template.setMinimumIdle(POOL_SIZE);
		template.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
		return template;
	}

	private HikariDataSource direct(PostgresNode node) {
		HikariConfig config = poolTemplate();
		config.setPoolName("direct-" + node.name());
		config.setJdbcUrl(node.jdbcUrl());
		config.setUsername(this.cluster.user());
		config.setPassword(this.cluster.password());
		return new HikariDataSource(config);
	}

	/**
	 * pgjdbc's own answer to reading from standbys, with the same pool settings:
	 * {@code jdbc:postgresql://standby1,standby2/db?targetServerType=preferSecondary&loadBalanceHosts=true}.
	 */
	private HikariDataSource multiHost(List<PostgresNode> standbys) {
		HikariConfig config = poolTemplate();
		config.setPoolName("multi-host-standbys");
		config.setJdbcUrl("jdbc:postgresql://"
				+ String.join(",", standbys.stream().map((node) -> node.host() + ":" + node.port()).toList()) + "/"
				+ this.cluster.database() + "?targetServerType=preferSecondary&loadBalanceHosts=true");
		config.setUsername(this.cluster.user());
		config.setPassword(this.cluster.password());
		return new HikariDataSource(config);
	}

	private static ConnectionString connectionString(PostgresNode node) {
		return ConnectionString.parse(node.connectionString());
	}

	/**
	 * The checkout benchmarks take a physical connection without a statement: check where
	 * it is.
	 */
	private static void requireCheckoutOn(javax.sql.DataSource dataSource, boolean readOnly, PostgresNode... nodes)
			throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(readOnly);
			Connection target = ((ConnectionProxy) connection).getTargetConnection();
			HostSpec server = target.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec();
			if (Arrays.stream(nodes).noneMatch((node) -> node.port() == server.getPort())) {
				throw new IllegalStateException("A " + (readOnly ? "read-only" : "read-write") + " checkout went to "
						+ server + ", not to " + Arrays.toString(nodes));
			}
		}
	}

	private static void requireServer(javax.sql.DataSource dataSource, boolean readOnly, boolean standby)
			throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(readOnly);
			connection.setAutoCommit(false);
			try (var statement = connection.createStatement();
					var resultSet = statement.executeQuery("SELECT pg_is_in_recovery()")) {
				resultSet.next();
				if (resultSet.getBoolean(1) != standby) {
					throw new IllegalStateException(dataSource + " sent a " + (readOnly ? "read-only" : "read-write")
							+ " transaction to a " + (standby ? "primary" : "standby"));
				}
			}
			connection.commit();
		}
	}

}
