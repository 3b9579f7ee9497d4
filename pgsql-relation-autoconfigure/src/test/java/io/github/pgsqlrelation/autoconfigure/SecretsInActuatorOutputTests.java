package io.github.pgsqlrelation.autoconfigure;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import io.github.pgsqlrelation.test.secrets.KnownSecrets;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with every actuator endpoint on its class path, against a real primary
 * and standby whose passwords are known: no endpoint shows one, whatever it reads (the
 * {@code pgsqlrelation} endpoint, health with details, metrics and their tags, the
 * environment and configuration properties with their values shown, info).
 */
class SecretsInActuatorOutputTests {

	/**
	 * Endpoints that describe the JVM rather than the application, large and slow to
	 * produce.
	 */
	private static final List<String> SKIPPED = List.of("threaddump", "heapdump", "logfile", "shutdown");

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start(1);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void noEndpointShowsAPasswordOfTheRelation() throws Exception {
		Path file = directory.resolve("pgsql-relation.json");
		RelationStateFiles.writeRaw(file, cluster);
		try (ConfigurableApplicationContext context = start(file)) {
			new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT 1", Integer.class);
			JsonMapper json = context.getBean(EndpointJsonMapper.class).get();
			Map<String, String> outputs = new LinkedHashMap<>();
			for (Map.Entry<String, Object> endpoint : context.getBeansWithAnnotation(Endpoint.class).entrySet()) {
				Class<?> type = AopUtils.getTargetClass(endpoint.getValue());
				String id = type.getAnnotation(Endpoint.class).id();
				if (SKIPPED.contains(id)) {
					continue;
				}
				for (Method operation : type.getMethods()) {
					if (operation.isAnnotationPresent(ReadOperation.class) && allOptional(operation)) {
						Object[] noArguments = new Object[operation.getParameterCount()];
						String output = json.writeValueAsString(operation.invoke(endpoint.getValue(), noArguments));
						assertNoSecret(id + "." + operation.getName(), output);
						outputs.merge(id, output, String::concat);
					}
				}
			}
			assertThat(outputs).containsKeys("pgsqlrelation", "health", "metrics", "env", "configprops", "info");
			// Values are shown, so a password there would be seen
			assertThat(outputs.get("env")).contains(file.toString());
			assertThat(outputs.get("health")).contains("\"database\":\"" + cluster.database() + "\"");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.getMeters()).extracting((meter) -> meter.getId().getName())
				.anyMatch((name) -> name.startsWith("pgsql.relation"));
			for (Meter meter : meters.getMeters()) {
				for (Tag tag : meter.getId().getTags()) {
					assertNoSecret("tag " + tag.getKey() + " of metric " + meter.getId().getName(), tag.getValue());
				}
			}
		}
	}

	/**
	 * Whether the operation can be called without arguments, as {@code /actuator/env}
	 * calls {@code environment(@Nullable String pattern)}.
	 */
	private static boolean allOptional(Method operation) {
		return Arrays.stream(operation.getAnnotatedParameterTypes())
			.allMatch((type) -> Arrays.stream(type.getAnnotations())
				.anyMatch((annotation) -> annotation.annotationType().getSimpleName().equals("Nullable")));
	}

	private static void assertNoSecret(String where, String output) {
		assertThat(KnownSecrets.isIn(output)).as("%s holds a password: %s", where, KnownSecrets.mask(output)).isFalse();
	}

	private static ConfigurableApplicationContext start(Path stateFile) {
		return new SpringApplicationBuilder(ActuatorApplication.class).web(WebApplicationType.NONE)
			.properties("pgsql.relation.state-file=" + stateFile, "spring.jpa.hibernate.ddl-auto=none",
					"spring.jpa.open-in-view=false", "spring.main.banner-mode=off", "spring.jmx.enabled=true",
					"management.endpoints.jmx.exposure.include=*", "management.endpoints.web.exposure.include=*",
					"management.endpoint.health.show-details=always", "management.endpoint.env.show-values=always",
					"management.endpoint.configprops.show-values=always", "management.info.env.enabled=true",
					"management.info.java.enabled=true", "management.info.os.enabled=true",
					"management.info.process.enabled=true")
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ActuatorApplication {

	}

}
