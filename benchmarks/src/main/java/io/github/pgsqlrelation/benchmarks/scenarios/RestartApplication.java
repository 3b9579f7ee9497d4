package io.github.pgsqlrelation.benchmarks.scenarios;

import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The baseline of the hot refresh: the same application as a charm that passes the
 * database through environment variables ({@code SPRING_DATASOURCE_URL},
 * {@code SPRING_DATASOURCE_USERNAME}, {@code SPRING_DATASOURCE_PASSWORD}) runs it,
 * started in a fresh JVM after each change. It makes one write, prints {@value #WRITTEN}
 * and the server's port, and exits.
 */
public final class RestartApplication {

	static final String WRITTEN = "written";

	private RestartApplication() {
	}

	public static void main(String[] args) {
		try (ConfigurableApplicationContext context = ScenarioApplication.run(Map.of())) {
			Integer port = context.getBean(JdbcTemplate.class).queryForObject(StarterApp.WRITE, Integer.class);
			System.out.println(WRITTEN + " " + port);
			System.out.flush();
		}
		System.exit(0);
	}

}
