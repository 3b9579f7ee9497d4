package io.github.pgsqlrelation.routing;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Observes a {@link RelationRoutingDataSource}, e.g. for metrics. Every method does
 * nothing by default. {@link #readRouted}, {@link #readFellBackToMaster} and
 * {@link #standbySkipped} run on the thread that asks for a connection: keep them cheap
 * (a counter increment), never block.
 */
public interface RoutingListener {

	/** A listener that does nothing. */
	RoutingListener NONE = new RoutingListener() {
	};

	/** A pool was created for a backend and joins the routing. */
	default void poolCreated(Backend backend, HikariDataSource pool) {
	}

	/** A pool left the routing; it is closed once its connections in use are returned. */
	default void poolRetired(Backend backend, HikariDataSource pool) {
	}

	/** A pool was closed. */
	default void poolClosed(Backend backend, HikariDataSource pool) {
	}

	/** A read-only transaction got a connection to a standby. */
	default void readRouted(Backend standby) {
	}

	/**
	 * A read-only transaction got a read-only connection to the master instead of a
	 * standby.
	 * @param reason why no standby served it
	 */
	default void readFellBackToMaster(ReadFallbackReason reason) {
	}

	/** A read skipped a standby that is failing (or failed just now). */
	default void standbySkipped(Backend standby) {
	}

}
