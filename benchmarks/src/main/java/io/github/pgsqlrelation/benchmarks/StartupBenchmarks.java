package io.github.pgsqlrelation.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The start-up time the starter adds to an application: a minimal Spring Boot application
 * (auto-configuration, no web server) is started, runs one query through its
 * {@link JdbcTemplate} and is closed again, once with the starter following a relation
 * state file ({@code Routed}: a primary and one standby, so two pools) and once as plain
 * Spring Boot with {@code spring.datasource.url} to the same primary ({@code Direct}:
 * Boot's DataSource auto-configuration and one HikariCP pool).
 * <p>
 * An application starts once per JVM, so every measurement is the first start in a fresh
 * JVM: no warm-up, one iteration per fork, and the forks give the repetitions. The
 * PostgreSQL servers are started before, in the trial's set-up, and are not measured.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// Spring Boot's logging system would configure a logger and write to the console; the
// log lines go to slf4j-nop like everywhere else in the benchmarks.
@Fork(value = 5, jvmArgsAppend = "-Dorg.springframework.boot.logging.LoggingSystem=none")
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@State(Scope.Benchmark)
public class StartupBenchmarks {

	private static final String[] STARTER_AUTO_CONFIGURATIONS = {
			"io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration",
			"io.github.pgsqlrelation.autoconfigure.health.PgsqlRelationHealthAutoConfiguration",
			"io.github.pgsqlrelation.autoconfigure.endpoint.PgsqlRelationEndpointAutoConfiguration",
			"io.github.pgsqlrelation.autoconfigure.metrics.PgsqlRelationMetricsAutoConfiguration",
			"io.github.pgsqlrelation.autoconfigure.availability.PgsqlRelationAvailabilityAutoConfiguration" };

	private PostgresCluster cluster;

	private Path directory;

	private Map<String, Object> routed;

	private Map<String, Object> direct;

	@Setup(Level.Trial)
	public void start() throws IOException {
		this.cluster = PostgresCluster.builder().standbys(1).start();
		this.directory = Files.createTempDirectory("pgsql-relation-startup");
		Path stateFile = this.directory.resolve("relation-state.json");
		RelationStateFiles.writeResolved(stateFile, this.cluster);
		this.routed = Map.of("pgsql.relation.state-file", stateFile.toString());
		// The starter's jar is on the class path of both; plain Spring Boot goes without
		// its auto-configurations, as an application without the starter would.
		this.direct = Map.of("spring.datasource.url", this.cluster.primary().jdbcUrl(), "spring.datasource.username",
				this.cluster.user(), "spring.datasource.password", this.cluster.password(),
				"spring.autoconfigure.exclude", String.join(",", STARTER_AUTO_CONFIGURATIONS));
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		if (this.directory != null) {
			try (var files = Files.list(this.directory)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			Files.delete(this.directory);
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Benchmark
	public int startAndQueryRouted() {
		return startAndQuery(this.routed, RelationRoutingDataSource.class);
	}

	@Benchmark
	public int startAndQueryDirect() {
		return startAndQuery(this.direct, HikariDataSource.class);
	}

	private static int startAndQuery(Map<String, Object> properties, Class<? extends DataSource> expected) {
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setDefaultProperties(properties);
		try (ConfigurableApplicationContext context = application.run()) {
			DataSource dataSource = context.getBean(DataSource.class);
			if (!expected.isInstance(dataSource)) {
				throw new IllegalStateException(
						"The application's DataSource is a " + dataSource.getClass().getName() + ", not a " + expected);
			}
			Integer one = context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
			if (one == null || one != 1) {
				throw new IllegalStateException("SELECT 1 returned " + one);
			}
			return one;
		}
	}

	/** The whole application: Spring Boot's auto-configuration and nothing else. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
