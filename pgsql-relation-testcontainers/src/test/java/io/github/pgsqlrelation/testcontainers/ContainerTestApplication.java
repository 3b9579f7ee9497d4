package io.github.pgsqlrelation.testcontainers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application under test: the starter's auto-configuration and one service.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ContainerTestApplication {

	@Bean
	NodeService nodeService(JdbcTemplate jdbc) {
		return new NodeService(jdbc);
	}

}
