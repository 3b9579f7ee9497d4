package io.github.pgsqlrelation.autoconfigure;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Warns about {@code spring.datasource.*} properties when the routing {@code DataSource}
 * is the application's: an application with its own {@code DataSource} may use them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(RelationRoutingDataSource.class)
class IgnoredDataSourcePropertiesConfiguration {

	@Bean
	static IgnoredDataSourceProperties pgsqlRelationIgnoredDataSourceProperties(Environment environment) {
		return new IgnoredDataSourceProperties(environment);
	}

}
