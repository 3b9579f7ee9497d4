package io.github.pgsqlrelation.routing;

import java.sql.SQLException;
import java.util.Set;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.jspecify.annotations.Nullable;

/**
 * When one connection learns that its server shut down or is gone, the pool's other
 * connections to it are just as dead: evict them all (softly: connections in use close
 * when returned), so that the next transactions open fresh connections (for the master,
 * to whichever host is the primary now) instead of each failing on a stale one. HikariCP
 * by itself evicts only the connection that failed, and hands out one used within the
 * last 500 ms without checking it. A failed attempt to open a new connection does the
 * same ({@link BackendDataSource}); a retired pool closes its idle connections at its
 * first drain check ({@link PoolHousekeeper}). The first connection taken from the pool
 * after its server ended the sessions brings the failure here before any transaction uses
 * it ({@link BackendPool#connection()}).
 */
final class ServerGoneEviction implements SQLExceptionOverride {

	/**
	 * Not 57P04 (database dropped) nor 57P05 (idle-session timeout): the server ended
	 * that one session, not all of them.
	 */
	private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03");

	private final @Nullable SQLExceptionOverride application;

	private volatile @Nullable HikariPoolMXBean pool;

	ServerGoneEviction(@Nullable SQLExceptionOverride application) {
		this.application = application;
	}

	void pool(HikariPoolMXBean pool) {
		this.pool = pool;
	}

	// The nested type SQLExceptionOverride.Override hides the annotation's simple name.
	@java.lang.Override
	public SQLExceptionOverride.Override adjudicate(SQLException exception) {
		HikariPoolMXBean target = this.pool;
		if (target != null && isServerGone(exception.getSQLState())) {
			target.softEvictConnections();
		}
		return (this.application != null) ? this.application.adjudicate(exception)
				: SQLExceptionOverride.Override.CONTINUE_EVICT;
	}

	/**
	 * Connection exceptions (class 08) and the server's shutdown states: admin shutdown,
	 * crash shutdown, cannot connect now (57P01 to 57P03).
	 */
	static boolean isServerGone(@Nullable String sqlState) {
		return sqlState != null && (sqlState.startsWith("08") || SHUTDOWN_STATES.contains(sqlState));
	}

}
