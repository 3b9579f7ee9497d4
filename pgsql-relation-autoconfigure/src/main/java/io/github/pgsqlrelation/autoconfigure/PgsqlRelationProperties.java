package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import io.github.pgsqlrelation.routing.RoutingSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the pgsql relation.
 */
@ConfigurationProperties("pgsql.relation")
public class PgsqlRelationProperties {

	/**
	 * Location of the relation state file written by the charm. Setting it turns the
	 * starter on.
	 */
	private @Nullable Path stateFile;

	/**
	 * Name of the relation endpoint in the charm's metadata whose relation to follow,
	 * whatever its Juju interface: usually 'db' for the legacy pgsql interface,
	 * 'database' for postgresql_client.
	 */
	private String endpoint = "db";

	/**
	 * Database the application expects. A relation that hands out another database is not
	 * ready.
	 */
	private @Nullable String database;

	/**
	 * Interval of the periodic re-check of the state file, a safety net for missed file
	 * system notifications.
	 */
	private Duration recheckInterval = Duration.ofSeconds(5);

	/**
	 * Largest relation state file read. A larger one is refused unread and the last good
	 * state stays in force.
	 */
	private DataSize stateFileMaxSize = DataSize.ofMegabytes(1);

	/**
	 * Whether to refuse a relation state file that users other than its owner may read
	 * (it holds database passwords). When false, such a file is read and a warning
	 * logged.
	 */
	private boolean stateFileRequirePrivate;

	private final Routing routing = new Routing();

	/**
	 * Settings applied to every connection pool (the master and each standby). Connection
	 * details come from the relation.
	 */
	@NestedConfigurationProperty
	private final HikariConfig pool = new HikariConfig();

	public @Nullable Path getStateFile() {
		return this.stateFile;
	}

	public void setStateFile(@Nullable Path stateFile) {
		this.stateFile = stateFile;
	}

	public String getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(String endpoint) {
		this.endpoint = endpoint;
	}

	public @Nullable String getDatabase() {
		return this.database;
	}

	public void setDatabase(@Nullable String database) {
		this.database = database;
	}

	public Duration getRecheckInterval() {
		return this.recheckInterval;
	}

	public void setRecheckInterval(Duration recheckInterval) {
		this.recheckInterval = recheckInterval;
	}

	public DataSize getStateFileMaxSize() {
		return this.stateFileMaxSize;
	}

	public void setStateFileMaxSize(DataSize stateFileMaxSize) {
		this.stateFileMaxSize = stateFileMaxSize;
	}

	public boolean isStateFileRequirePrivate() {
		return this.stateFileRequirePrivate;
	}

	public void setStateFileRequirePrivate(boolean stateFileRequirePrivate) {
		this.stateFileRequirePrivate = stateFileRequirePrivate;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public HikariConfig getPool() {
		return this.pool;
	}

	/**
	 * Routing settings.
	 */
	public static class Routing {

		/**
		 * Whether read-only transactions use the master when no standby can serve them.
		 */
		private boolean readFallbackToMaster = true;

		/**
		 * Time a retired pool is given to let the transactions in flight finish before it
		 * is closed anyway.
		 */
		private Duration retireTimeout = Duration.ofSeconds(30);

		/**
		 * Time a read waits for a standby's pool before it tries the next backend. At
		 * least 250ms.
		 */
		private Duration standbyConnectionTimeout = Duration.ofSeconds(1);

		/**
		 * Time a failing standby is skipped before it is tried again.
		 */
		private Duration standbyRetryInterval = Duration.ofSeconds(5);

		/**
		 * Time the master pool trusts what it learned about the role of a host, so that a
		 * promoted standby is found soon after a failover. Whole seconds (pgjdbc's
		 * hostRecheckSeconds); 0 checks at every new connection.
		 */
		private Duration hostRecheck = Duration.ofSeconds(2);

		/**
		 * What a read-only transaction does when every standby's pool has all its
		 * connections in use: wait for one up to the pool's connection-timeout, or use
		 * the master (read-only) after the standby-connection-timeout.
		 */
		private RoutingSettings.BusyStandbys busyStandbys = RoutingSettings.BusyStandbys.WAIT;

		/**
		 * Replay lag beyond which a standby gets no new read-only transactions until it
		 * catches up; its reads go to the other standbys, then to the master if
		 * read-fallback-to-master allows. Measured in the background against the master's
		 * WAL position. Unset turns lag-aware routing off: nothing is probed.
		 */
		private @Nullable Duration maxStandbyLag;

		/**
		 * Time between two measures of the standbys' replay lag, while max-standby-lag is
		 * set; a standby's lag is only as fresh as the last measure.
		 */
		private Duration standbyLagProbeInterval = Duration.ofSeconds(1);

		/**
		 * Whether a read-only transaction that follows a committed write in the same
		 * scope (see read-your-writes-scope) runs only on a standby that has replayed
		 * that write, else on the master after read-your-writes-wait. Costs one query
		 * after each write transaction's commit.
		 */
		private boolean readYourWrites;

		/**
		 * Time a read-only transaction waits for a standby to replay the write it must
		 * see, with read-your-writes, before it runs on the master (read-only); 0 uses
		 * the master at once.
		 */
		private Duration readYourWritesWait = Duration.ofSeconds(1);

		/**
		 * Whose writes a read-only transaction must see, with read-your-writes: those of
		 * its thread, of its HTTP request or of its HTTP session (servlet applications).
		 */
		private ReadYourWritesScope readYourWritesScope = ReadYourWritesScope.THREAD;

		public boolean isReadFallbackToMaster() {
			return this.readFallbackToMaster;
		}

		public void setReadFallbackToMaster(boolean readFallbackToMaster) {
			this.readFallbackToMaster = readFallbackToMaster;
		}

		public Duration getRetireTimeout() {
			return this.retireTimeout;
		}

		public void setRetireTimeout(Duration retireTimeout) {
			this.retireTimeout = retireTimeout;
		}

		public Duration getStandbyConnectionTimeout() {
			return this.standbyConnectionTimeout;
		}

		public void setStandbyConnectionTimeout(Duration standbyConnectionTimeout) {
			this.standbyConnectionTimeout = standbyConnectionTimeout;
		}

		public Duration getStandbyRetryInterval() {
			return this.standbyRetryInterval;
		}

		public void setStandbyRetryInterval(Duration standbyRetryInterval) {
			this.standbyRetryInterval = standbyRetryInterval;
		}

		public RoutingSettings.BusyStandbys getBusyStandbys() {
			return this.busyStandbys;
		}

		public void setBusyStandbys(RoutingSettings.BusyStandbys busyStandbys) {
			this.busyStandbys = busyStandbys;
		}

		public @Nullable Duration getMaxStandbyLag() {
			return this.maxStandbyLag;
		}

		public void setMaxStandbyLag(@Nullable Duration maxStandbyLag) {
			this.maxStandbyLag = maxStandbyLag;
		}

		public Duration getStandbyLagProbeInterval() {
			return this.standbyLagProbeInterval;
		}

		public void setStandbyLagProbeInterval(Duration standbyLagProbeInterval) {
			this.standbyLagProbeInterval = standbyLagProbeInterval;
		}

		public boolean isReadYourWrites() {
			return this.readYourWrites;
		}

		public void setReadYourWrites(boolean readYourWrites) {
			this.readYourWrites = readYourWrites;
		}

		public Duration getReadYourWritesWait() {
			return this.readYourWritesWait;
		}

		public void setReadYourWritesWait(Duration readYourWritesWait) {
			this.readYourWritesWait = readYourWritesWait;
		}

		public ReadYourWritesScope getReadYourWritesScope() {
			return this.readYourWritesScope;
		}

		public void setReadYourWritesScope(ReadYourWritesScope readYourWritesScope) {
			this.readYourWritesScope = readYourWritesScope;
		}

		public Duration getHostRecheck() {
			return this.hostRecheck;
		}

		public void setHostRecheck(Duration hostRecheck) {
			this.hostRecheck = hostRecheck;
		}

	}

	/**
	 * Whose writes a read-only transaction must see, with read-your-writes.
	 */
	public enum ReadYourWritesScope {

		/**
		 * Those of the same thread.
		 */
		THREAD,

		/**
		 * Those of the same HTTP request, in each of its dispatches (async and error
		 * dispatches included), and of the same thread outside requests.
		 */
		REQUEST,

		/**
		 * Those of the same HTTP session, across its requests (e.g. a redirect after a
		 * form's POST), and of the same request or thread without a session. A session is
		 * created by the first write that has none.
		 */
		SESSION

	}

}
