package io.github.pgsqlrelation.routing;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * Observes a {@link RelationRoutingDataSource}, e.g. for metrics. Every method does
 * nothing by default. {@link #readRouted}, {@link #readFellBackToMaster} and
 * {@link #standbySkipped} and {@link #standbySkippedForLag} run on the thread that asks
 * for a connection: keep them cheap (a counter increment), never block.
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

	/**
	 * A backend's credentials changed (a rotated password, a new user) and its pool
	 * stays: new connections use them, each open connection closes when its transaction
	 * ends.
	 * @param backend the backend, with its new (masked) connection string
	 * @param pool its pool
	 */
	default void credentialsChanged(Backend backend, HikariDataSource pool) {
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

	/**
	 * A read skipped a standby whose replay lag exceeded
	 * {@link RoutingSettings#maxStandbyLag()} at the last probe.
	 */
	default void standbySkippedForLag(Backend standby) {
	}

	/**
	 * The background probe measured a standby's replay lag (runs on the routing's
	 * background thread, once per standby and probe).
	 * @param standby the standby
	 * @param lag its lag behind the master, {@code null} when the probe could not tell
	 * @param lagging whether reads skip it for that
	 */
	default void standbyLagMeasured(Backend standby, @Nullable Duration lag, boolean lagging) {
	}

}
