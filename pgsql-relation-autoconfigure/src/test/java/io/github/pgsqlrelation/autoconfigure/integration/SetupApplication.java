package io.github.pgsqlrelation.autoconfigure.integration;

import java.nio.file.Path;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * An application with the transaction setups Spring users run: JPA or plain JDBC
 * transaction managers, every propagation, nested transactions.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ SetupService.class, NestedSetupService.class,
		IntegrationApplication.JdbcTransactionManagerConfiguration.class })
class SetupApplication {

	static ConfigurableApplicationContext run(Path stateFile, String... properties) {
		return new SpringApplicationBuilder(SetupApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + stateFile, "spring.jpa.hibernate.ddl-auto=none",
					"pgsql.relation.pool.maximum-pool-size=4", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

}
