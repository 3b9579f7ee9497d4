package io.github.pgsqlrelation.autoconfigure;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Lets a JPA application start whatever the relation's servers answer. Unless told which
 * database it talks to, Hibernate reads the server's metadata at start-up to pick its
 * dialect, and cannot start when that read fails: no master yet, or a master that refuses
 * the connection (a password the server no longer takes, a certificate the relation's CA
 * did not sign, a server still starting). The relation says the database is PostgreSQL
 * and, when the server published it, which version, so Hibernate is told both instead of
 * asking. An application that names a dialect, a database or the metadata access itself
 * keeps its choice.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HibernatePropertiesCustomizer.class)
class HibernateStartupConfiguration {

	static final String DIALECT = "hibernate.dialect";

	static final String ALLOW_JDBC_METADATA_ACCESS = "hibernate.boot.allow_jdbc_metadata_access";

	static final String DATABASE_NAME = "jakarta.persistence.database-product-name";

	static final String DATABASE_VERSION = "jakarta.persistence.database-product-version";

	/** A version Hibernate can read: major, and optionally minor. */
	private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)?");

	@Bean
	HibernatePropertiesCustomizer pgsqlRelationHibernatePropertiesCustomizer(RelationStateWatcher watcher,
			Environment environment) {
		return (properties) -> customize(properties, watcher, environment);
	}

	private static void customize(Map<String, Object> properties, RelationStateWatcher watcher,
			Environment environment) {
		if (properties.containsKey(DIALECT) || properties.containsKey(DATABASE_NAME)
				|| properties.containsKey(ALLOW_JDBC_METADATA_ACCESS)
				|| environment.containsProperty("spring.jpa.database-platform")) {
			return;
		}
		properties.put(DATABASE_NAME, "PostgreSQL");
		String version = watcher.current().version();
		if (version != null) {
			Matcher matcher = VERSION.matcher(version.strip());
			if (matcher.lookingAt()) {
				properties.put(DATABASE_VERSION, matcher.group());
			}
		}
		properties.put(ALLOW_JDBC_METADATA_ACCESS, "false");
	}

}
