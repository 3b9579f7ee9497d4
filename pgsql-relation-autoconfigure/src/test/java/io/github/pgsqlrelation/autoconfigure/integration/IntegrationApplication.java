package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * An application as a user writes one: the starter's auto-configuration, JDBC, JPA and
 * transactions, and a service with read-only and read-write transactions.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ BackendService.class, RecordingRoutingListener.class,
		IntegrationApplication.JdbcTransactionManagerConfiguration.class })
class IntegrationApplication {

	static ConfigurableApplicationContext run(Path stateFile, String... properties) {
		return new SpringApplicationBuilder(IntegrationApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + stateFile, "spring.jpa.hibernate.ddl-auto=none",
					"spring.jpa.open-in-view=false", "pgsql.relation.pool.maximum-pool-size=4",
					"pgsql.relation.routing.retire-timeout=10s", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	/**
	 * A plain JDBC transaction manager instead of JPA's, as applications without JPA
	 * have.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "test.transaction-manager", havingValue = "jdbc")
	static class JdbcTransactionManagerConfiguration {

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

	}

}
