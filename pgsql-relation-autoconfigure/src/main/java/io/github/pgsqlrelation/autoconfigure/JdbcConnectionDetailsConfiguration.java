package io.github.pgsqlrelation.autoconfigure;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The relation's master as Spring Boot's {@link JdbcConnectionDetails}, when the routing
 * {@code DataSource} is the application's and Boot's JDBC support is there.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcConnectionDetails.class)
@ConditionalOnBean(RelationRoutingDataSource.class)
class JdbcConnectionDetailsConfiguration {

	@Bean
	@ConditionalOnMissingBean(JdbcConnectionDetails.class)
	RelationJdbcConnectionDetails pgsqlRelationJdbcConnectionDetails(RelationStateWatcher watcher) {
		return new RelationJdbcConnectionDetails(() -> watcher.current());
	}

}
