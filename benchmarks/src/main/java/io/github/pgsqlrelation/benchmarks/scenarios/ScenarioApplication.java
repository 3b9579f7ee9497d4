package io.github.pgsqlrelation.benchmarks.scenarios;

import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application of every scenario: nothing but Spring Boot's auto-configuration, so
 * that with {@code pgsql.relation.state-file} it runs on the starter's routing
 * {@code DataSource}, and with {@code spring.datasource.url} on a plain HikariCP pool, as
 * an application configured from environment variables does.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ScenarioApplication {

	static ConfigurableApplicationContext run(Map<String, Object> properties, Object... singletons) {
		return application(properties, singletons).run();
	}

	static SpringApplication application(Map<String, Object> properties, Object... singletons) {
		quiet();
		SpringApplication application = new SpringApplication(ScenarioApplication.class);
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("spring.main.banner-mode", "off");
		defaults.put("spring.main.web-application-type", "none");
		defaults.put("spring.jmx.enabled", "false");
		defaults.put("spring.sql.init.mode", "never");
		defaults.putAll(properties);
		application.setDefaultProperties(defaults);
		application.setLogStartupInfo(false);
		application.addInitializers((context) -> {
			for (Object singleton : singletons) {
				context.getBeanFactory().registerSingleton(singleton.getClass().getName(), singleton);
			}
		});
		return application;
	}

	/**
	 * Keeps log output out of the measurement: SLF4J goes nowhere ({@code slf4j-nop}),
	 * Spring Boot configures no logging system, and pgjdbc's {@code java.util.logging} is
	 * off.
	 */
	static void quiet() {
		System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
		LogManager.getLogManager().reset();
		Logger.getLogger("").setLevel(Level.OFF);
	}

}
