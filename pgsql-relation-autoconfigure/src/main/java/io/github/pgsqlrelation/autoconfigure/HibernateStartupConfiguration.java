package io.github.pgsqlrelation.autoconfigure;

import java.util.Map;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Lets a JPA application start while its relation is not ready yet. Hibernate reads the
 * server's metadata at start-up to pick its dialect and fails without a connection; the
 * relation is known to be PostgreSQL, so in that case it is told so instead of asking.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HibernatePropertiesCustomizer.class)
class HibernateStartupConfiguration {

	static final String DIALECT = "hibernate.dialect";

	static final String ALLOW_JDBC_METADATA_ACCESS = "hibernate.boot.allow_jdbc_metadata_access";

	@Bean
	HibernatePropertiesCustomizer pgsqlRelationHibernatePropertiesCustomizer(RelationStateWatcher watcher,
			Environment environment) {
		return (properties) -> customize(properties, watcher, environment);
	}

	private static void customize(Map<String, Object> properties, RelationStateWatcher watcher,
			Environment environment) {
		if (watcher.current().master() != null || properties.containsKey(DIALECT)
				|| environment.containsProperty("spring.jpa.database-platform")) {
			return;
		}
		properties.put(DIALECT, "org.hibernate.dialect.PostgreSQLDialect");
		properties.putIfAbsent(ALLOW_JDBC_METADATA_ACCESS, "false");
	}

}
