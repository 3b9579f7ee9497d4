package io.github.pgsqlrelation.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Tells the user, once at start-up, which {@code spring.datasource.*} properties the
 * routing {@code DataSource} does not use and what to set instead. These are what every
 * Spring Boot user sets first; without a word they would seem to be applied (a pool size,
 * a URL). Values are never shown: one of them may be a password.
 */
final class IgnoredDataSourceProperties implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(IgnoredDataSourceProperties.class);

	private static final ConfigurationPropertyName DATASOURCE = ConfigurationPropertyName.of("spring.datasource");

	private static final ConfigurationPropertyName HIKARI = ConfigurationPropertyName.of("spring.datasource.hikari");

	/** Connection settings, in Boot's and in HikariCP's names: the relation has them. */
	private static final Set<String> CONNECTION = Set.of("url", "jdbc-url", "username", "password", "driver-class-name",
			"data-source-class-name");

	/**
	 * HikariCP settings the routing sets on every pool itself (see {@code PoolFactory}):
	 * each pool is named after its backend, never fails at creation, and gets its
	 * connections from the relation.
	 */
	private static final Set<String> SET_BY_THE_ROUTING = Set.of("pool-name", "initialization-fail-timeout",
			"data-source-j-n-d-i", "data-source-jndi");

	private final Environment environment;

	IgnoredDataSourceProperties(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String property : find(this.environment)) {
			logger.warn(property + " is ignored: " + instead(property));
		}
	}

	/**
	 * Returns the {@code spring.datasource.*} properties set in the environment, in their
	 * canonical form, sorted.
	 */
	static List<String> find(Environment environment) {
		Set<String> found = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(DATASOURCE::isAncestorOf).forEach((name) -> found.add(name.toString()));
			}
		}
		return new ArrayList<>(found);
	}

	/** Says what to set instead of a {@code spring.datasource.*} property. */
	static String instead(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		if (HIKARI.isAncestorOf(name)) {
			String setting = name.subName(HIKARI.getNumberOfElements()).toString();
			if (CONNECTION.contains(setting)) {
				return connectionComesFromTheRelation();
			}
			if (SET_BY_THE_ROUTING.contains(setting)) {
				return "the routing sets it on every pool itself (pools are named after their backend, e.g. "
						+ "pgsql-relation-db-master, and never fail at creation); it has no equivalent";
			}
			return "the routing DataSource's pools take HikariCP settings from pgsql.relation.pool.*; set "
					+ "pgsql.relation.pool." + setting + " instead (it applies to the master's pool and each "
					+ "standby's)";
		}
		String setting = name.subName(DATASOURCE.getNumberOfElements()).toString();
		if (CONNECTION.contains(setting)) {
			return connectionComesFromTheRelation();
		}
		return "the routing DataSource (pgsql.relation.state-file is set) pools with HikariCP and takes its "
				+ "settings from pgsql.relation.pool.* and pgsql.relation.routing.*";
	}

	private static String connectionComesFromTheRelation() {
		return "with pgsql.relation.state-file set, the master's and standbys' addresses and credentials come "
				+ "from the relation state file (pgsql.relation.database requires a database name)";
	}

}
