package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link RelationRoutingDataSource} routes and retires connections.
 *
 * @param readFallbackToMaster whether read-only transactions use the master when no
 * standby can serve them
 * @param retireTimeout how long a pool that left the routing may take to finish the
 * transactions in flight before it is closed anyway
 * @param standbyConnectionTimeout how long a read waits for a standby's pool before it
 * tries the next backend; short, because a standby that refuses connections would
 * otherwise cost every read the pool's whole connection timeout (at least 250 ms,
 * HikariCP's floor)
 * @param standbyRetryInterval how long a standby that failed is skipped before it is
 * tried again (in the background, not by a read)
 * @param hostRecheck how long the master pool trusts what it learned about a host's role
 * (pgjdbc's {@code hostRecheckSeconds}, whole seconds); short, so that a promoted standby
 * is found soon after a failover
 * @param busyStandbys what a read-only transaction does when every standby's pool is busy
 * (all its connections in use, none failing)
 * @param maxStandbyLag the replay lag beyond which a standby gets no new read-only
 * transactions until it catches up; {@code null} (the default) turns lag-aware routing
 * off, and nothing is probed
 * @param standbyLagProbeInterval how often the standbys' replay lag is measured, in the
 * background, while {@code maxStandbyLag} is set; a standby's replay position measured
 * that recently also tells read-your-writes whether it has replayed a write
 * @param readYourWrites whether a read-only transaction that follows a committed write in
 * the same scope (see {@link ReadYourWrites}) runs only on a standby that has replayed
 * that write's commit
 * @param readYourWritesWait how long such a read waits for a standby to replay the write
 * before it runs on the master (read-only); zero uses the master at once
 */
public record RoutingSettings(boolean readFallbackToMaster, Duration retireTimeout, Duration standbyConnectionTimeout,
		Duration standbyRetryInterval, Duration hostRecheck, BusyStandbys busyStandbys,
		@Nullable Duration maxStandbyLag, Duration standbyLagProbeInterval, boolean readYourWrites,
		Duration readYourWritesWait) {

	private static final Duration HIKARI_TIMEOUT_FLOOR = Duration.ofMillis(250);

	/**
	 * Validates the settings, the one place their rules live.
	 * @throws InvalidRoutingSettingException naming the first setting that cannot work
	 */
	public RoutingSettings {
		requirePositive("retireTimeout", retireTimeout);
		requirePositive("standbyRetryInterval", standbyRetryInterval);
		if (standbyConnectionTimeout.compareTo(HIKARI_TIMEOUT_FLOOR) < 0) {
			throw new InvalidRoutingSettingException("standbyConnectionTimeout", standbyConnectionTimeout,
					"is below HikariCP's floor of 250ms", "Use 250ms or more.");
		}
		Objects.requireNonNull(busyStandbys, "busyStandbys must not be null");
		if (maxStandbyLag != null) {
			requirePositive("maxStandbyLag", maxStandbyLag);
		}
		requirePositive("standbyLagProbeInterval", standbyLagProbeInterval);
		if (readYourWritesWait.isNegative()) {
			throw new InvalidRoutingSettingException("readYourWritesWait", readYourWritesWait, "is negative",
					"Use a duration such as 500ms, or 0 to read from the master at once.");
		}
		if (hostRecheck.isNegative()) {
			throw new InvalidRoutingSettingException("hostRecheck", hostRecheck, "is negative",
					"Use a duration such as 2s.");
		}
		if (hostRecheck.toNanos() % 1_000_000_000L != 0) {
			// pgjdbc's hostRecheckSeconds takes whole seconds: 1500ms would silently be
			// 1s.
			throw new InvalidRoutingSettingException("hostRecheck", hostRecheck, "is not a whole number of seconds",
					"Use whole seconds, such as 2s (pgjdbc's hostRecheckSeconds).");
		}
	}

	/**
	 * Returns the defaults: fall back to the master, retire within 30 s, 1 s standby
	 * connection timeout, retry a failed standby every 5 s, recheck host roles every 2 s,
	 * wait for a busy standby, no lag-aware routing (lag probed every second once it is
	 * turned on), no read-your-writes (waiting up to 1 s once it is turned on).
	 */
	public static RoutingSettings defaults() {
		return new RoutingSettings(true, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(2), BusyStandbys.WAIT, null, Duration.ofSeconds(1), false, Duration.ofSeconds(1));
	}

	public RoutingSettings withReadFallbackToMaster(boolean readFallbackToMaster) {
		return new RoutingSettings(readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withRetireTimeout(Duration retireTimeout) {
		return new RoutingSettings(this.readFallbackToMaster, retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withStandbyConnectionTimeout(Duration standbyConnectionTimeout) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withStandbyRetryInterval(Duration standbyRetryInterval) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withHostRecheck(Duration hostRecheck) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withBusyStandbys(BusyStandbys busyStandbys) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	/**
	 * Returns these settings with lag-aware routing at the given limit.
	 * @param maxStandbyLag the limit, {@code null} to turn lag-aware routing off
	 */
	public RoutingSettings withMaxStandbyLag(@Nullable Duration maxStandbyLag) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withStandbyLagProbeInterval(Duration standbyLagProbeInterval) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				standbyLagProbeInterval, this.readYourWrites, this.readYourWritesWait);
	}

	/**
	 * Returns these settings with read-your-writes on or off.
	 * @param readYourWrites whether a read after a write runs only where that write is
	 * visible
	 */
	public RoutingSettings withReadYourWrites(boolean readYourWrites) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, readYourWrites, this.readYourWritesWait);
	}

	public RoutingSettings withReadYourWritesWait(Duration readYourWritesWait) {
		return new RoutingSettings(this.readFallbackToMaster, this.retireTimeout, this.standbyConnectionTimeout,
				this.standbyRetryInterval, this.hostRecheck, this.busyStandbys, this.maxStandbyLag,
				this.standbyLagProbeInterval, this.readYourWrites, readYourWritesWait);
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidRoutingSettingException(name, value, "is not positive", "Use a positive duration.");
		}
	}

	/**
	 * What a read-only transaction does when every standby that is up has all its pool's
	 * connections in use. A busy standby is not a failing one: it serves reads, only not
	 * this one yet.
	 */
	public enum BusyStandbys {

		/**
		 * Wait for a standby's connection, up to the pool's connection timeout, as a
		 * single pool would; the master keeps its connections for writes.
		 */
		WAIT,

		/**
		 * Use the master (read-only) after waiting the standby connection timeout: reads
		 * are served sooner under bursts, and the master's pool takes the overflow.
		 */
		USE_MASTER

	}

}
