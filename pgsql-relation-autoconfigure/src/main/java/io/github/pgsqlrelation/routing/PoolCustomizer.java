package io.github.pgsqlrelation.routing;

import com.zaxxer.hikari.HikariConfig;

/**
 * Adjusts the settings of each pool the routing creates, before the pool starts, e.g. to
 * attach a metrics tracker. Runs when a backend joins the routing, on the thread applying
 * the relation change. The routing sets the connection (data source, URL, credentials)
 * and the pool's name itself: changes to those are overwritten.
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
