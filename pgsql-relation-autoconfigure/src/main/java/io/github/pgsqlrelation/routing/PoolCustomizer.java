package io.github.pgsqlrelation.routing;

import com.zaxxer.hikari.HikariConfig;

/**
 * Adjusts the settings of each pool the routing creates, before the pool starts, e.g. to
 * attach a metrics tracker. Runs when a backend joins the routing, on the thread applying
 * the relation change. The routing sets the connection (data source, URL, credentials),
 * the pool's name, its connection timeout (the application's, shortened for a standby by
 * {@code pgsql.relation.routing.standby-connection-timeout}) and its initialization fail
 * timeout itself: changes to those are overwritten. A thread factory or scheduled
 * executor of the application's own keeps HikariCP's own housekeeping thread: the routing
 * then keeps none in reserve for the pool, and a master's pool opens its first connection
 * at HikariCP's first housekeeping run instead of at once.
 */
@FunctionalInterface
public interface PoolCustomizer {

	/** A customizer that changes nothing. */
	PoolCustomizer NONE = (backend, config) -> {
	};

	/**
	 * Adjusts one pool's settings.
	 * @param backend the server the pool connects to
	 * @param config the pool's settings, a copy of the application's pool settings
	 */
	void customize(Backend backend, HikariConfig config);

}
