package io.github.pgsqlrelation.benchmarks.scenarios;

import java.io.IOException;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The floor of the start-up scenario: the least an application that follows a state file
 * must add to plain Spring Boot at start-up, written without the starter. It reads the
 * file with Jackson's streaming parser, token by token, and starts a second HikariCP pool
 * for the standby, which, like the starter's while the application starts, keeps no idle
 * connection. It checks nothing and follows nothing.
 */
@Configuration(proxyBeanMethods = false)
class StartupFloor {

	@Bean
	int stateFileTokens(@Value("${startup.floor.state-file}") Path file) throws IOException {
		int tokens = 0;
		try (JsonParser parser = JsonFactory.builder().build().createParser(ObjectReadContext.empty(), file.toFile())) {
			while (parser.nextToken() != null) {
				tokens++;
			}
		}
		return tokens;
	}

	@Bean
	StandbyPool standbyPool(@Value("${startup.floor.standby-url}") String url,
			@Value("${spring.datasource.username}") String username,
			@Value("${spring.datasource.password}") String password) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(username);
		config.setPassword(password);
		config.setInitializationFailTimeout(-1);
		config.setMinimumIdle(0);
		return new StandbyPool(new HikariDataSource(config));
	}

	/**
	 * Not a {@code DataSource} bean, which would take the place of Spring Boot's.
	 */
	record StandbyPool(HikariDataSource pool) implements AutoCloseable {

		@Override
		public void close() {
			this.pool.close();
		}

	}

}
