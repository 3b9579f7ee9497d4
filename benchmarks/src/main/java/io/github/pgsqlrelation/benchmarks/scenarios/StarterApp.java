package io.github.pgsqlrelation.benchmarks.scenarios;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher.RefreshListener;
import io.github.pgsqlrelation.test.PostgresNode;
import org.postgresql.PGConnection;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A running application using the starter (auto-configuration and the state file),
 * started in this JVM, and the transactions the scenarios run through it: a read-write
 * transaction as {@code @Transactional} runs it, a read-only one as
 * {@code @Transactional(readOnly = true)} does. Each returns the port of the server it
 * ran on.
 */
final class StarterApp implements AutoCloseable {

	static final String WRITE = "INSERT INTO probe (v) VALUES (1) RETURNING inet_server_port()";

	static final String READ = "SELECT inet_server_port()";

	private final ConfigurableApplicationContext context;

	private final Transactions transactions;

	private final RefreshTimes refreshTimes;

	private final PoolEvents poolEvents;

	private StarterApp(ConfigurableApplicationContext context, RefreshTimes refreshTimes, PoolEvents poolEvents) {
		this.context = context;
		this.refreshTimes = refreshTimes;
		this.poolEvents = poolEvents;
		this.transactions = new Transactions(context.getBean(JdbcTemplate.class),
				context.getBean(PlatformTransactionManager.class));
	}

	static StarterApp start(Path stateFile, Map<String, Object> properties) {
		Map<String, Object> all = new HashMap<>(properties);
		all.put("pgsql.relation.state-file", stateFile.toString());
		RefreshTimes refreshTimes = new RefreshTimes();
		PoolEvents poolEvents = new PoolEvents();
		return new StarterApp(ScenarioApplication.run(all, refreshTimes, poolEvents), refreshTimes, poolEvents);
	}

	PoolEvents poolEvents() {
		return this.poolEvents;
	}

	/**
	 * {@link System#nanoTime()} when the last change of the relation was in force: its
	 * first event was published, which comes after the routing applied it; or 0.
	 */
	long lastChangeApplied() {
		return this.refreshTimes.lastApplied;
	}

	/**
	 * How long the watcher took to read, check and apply the last change and publish its
	 * events, in nanoseconds: the part of {@link #lastChangeApplied()} after the file
	 * system notification.
	 */
	long lastChangeTook() {
		return this.refreshTimes.lastTook;
	}

	/**
	 * The CPU time the watcher's thread has used so far, in nanoseconds: taken before a
	 * change and subtracted from {@link #lastChangeAppliedCpu()}, it tells the work from
	 * the wait for a core.
	 */
	long watcherCpuNow() {
		long id = watcherThreadId();
		return ManagementFactory.getThreadMXBean().getThreadCpuTime(id);
	}

	/** The CPU time of the watcher's thread when the last change was in force. */
	long lastChangeAppliedCpu() {
		return this.refreshTimes.lastAppliedCpu;
	}

	private static long watcherThreadId() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("pgsql-relation-watcher-"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No watcher thread"))
			.getId();
	}

	Transactions transactions() {
		return this.transactions;
	}

	DataSource dataSource() {
		return this.context.getBean(DataSource.class);
	}

	PlatformTransactionManager transactionManager() {
		return this.context.getBean(PlatformTransactionManager.class);
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** Creates the tables the scenarios write to, on a primary. */
	static void createTables(PostgresNode primary) throws SQLException {
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS probe (id bigserial PRIMARY KEY, v int)");
			statement.execute("CREATE TABLE IF NOT EXISTS acked (id bigint PRIMARY KEY)");
		}
	}

	/**
	 * Notes when a change was in force, and how long the watcher took with it. The
	 * watcher publishes the events of a change after the routing applied it, on its own
	 * thread; the first is a master's or a standby's.
	 */
	static final class RefreshTimes implements RefreshListener, ApplicationListener<ApplicationEvent> {

		private volatile long lastApplied;

		private volatile long lastTook;

		private volatile long lastAppliedCpu;

		@Override
		public void refreshed(Duration took, boolean changed) {
			if (changed) {
				this.lastTook = took.toNanos();
			}
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			// The relation's events are published as payloads
			if (event instanceof PayloadApplicationEvent<?> payload
					&& (payload.getPayload() instanceof MasterChangedEvent
							|| payload.getPayload() instanceof StandbyChangedEvent)) {
				this.lastApplied = System.nanoTime();
				this.lastAppliedCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
			}
		}

	}

	/**
	 * Spring transactions on one {@link DataSource}: the starter's, or a plain pool for
	 * the peers.
	 */
	static final class Transactions {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate readWrite;

		private final TransactionTemplate readOnly;

		Transactions(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
			this.jdbc = jdbc;
			this.readWrite = new TransactionTemplate(transactionManager);
			this.readOnly = new TransactionTemplate(transactionManager);
			this.readOnly.setReadOnly(true);
		}

		static Transactions on(DataSource dataSource) {
			return new Transactions(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource));
		}

		int write() {
			return Objects
				.requireNonNull(this.readWrite.execute((status) -> this.jdbc.queryForObject(WRITE, Integer.class)));
		}

		void writeAcked(long id) {
			this.readWrite.executeWithoutResult((status) -> this.jdbc.update("INSERT INTO acked (id) VALUES (?)", id));
		}

		/**
		 * As {@link #writeAcked(long)}, telling which server session the transaction
		 * takes and when: the backend's process id (pgjdbc knows it, no round trip) and
		 * the time just before the routing takes a pooled connection, in milliseconds
		 * since the epoch.
		 */
		void writeAcked(long id, SessionTaken taken) {
			this.readWrite.executeWithoutResult((status) -> {
				long millis = System.currentTimeMillis();
				Integer pid = this.jdbc
					.execute((ConnectionCallback<Integer>) (connection) -> connection.unwrap(PGConnection.class)
						.getBackendPID());
				taken.taken(Objects.requireNonNull(pid), millis);
				this.jdbc.update("INSERT INTO acked (id) VALUES (?)", id);
			});
		}

		/** Hears which session a transaction took, and when. */
		@FunctionalInterface
		interface SessionTaken {

			void taken(int pid, long millis);

		}

		int read() {
			return Objects
				.requireNonNull(this.readOnly.execute((status) -> this.jdbc.queryForObject(READ, Integer.class)));
		}

	}

}
