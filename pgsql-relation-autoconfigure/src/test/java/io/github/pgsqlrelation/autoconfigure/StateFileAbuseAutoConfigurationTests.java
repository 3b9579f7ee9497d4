package io.github.pgsqlrelation.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher.RefreshListener;
import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.RelationStateFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application keeps serving from a real PostgreSQL while its state file is abused in
 * every way, and catches up with the file's final content.
 */
class StateFileAbuseAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withBean(ProblemRecorder.class);

	@TempDir
	Path directory;

	@Test
	void dataSourceKeepsServingWhileTheStateFileIsAbusedAndCatchesUpWithTheFinalContent() throws IOException {
		Path file = this.directory.resolve("state.json");
		try (PostgresCluster cluster = PostgresCluster.start(0)) {
			RelationStateFiles.writeResolved(file, cluster);
			String good = Files.readString(file);
			List<Abuse> abuses = List.of(() -> write(file, good.substring(0, good.length() / 2), "rw-------"),
					() -> write(file, "not JSON", "rw-------"), () -> write(file, "[]", "rw-------"),
					() -> write(file, "", "rw-------"), () -> write(file, " ".repeat(70_000) + good, "rw-------"),
					() -> write(file, "{\"version\": 1, \"\u00e9\"}", "rw-------", StandardCharsets.ISO_8859_1),
					() -> write(file, good, "rw-r--r--"), () -> {
						Files.delete(file);
						Files.createDirectory(file);
					}, () -> Files.delete(file), () -> {
						Path link = Files.createSymbolicLink(this.directory.resolve("link.tmp"), Path.of("/dev/zero"));
						Files.move(link, file, StandardCopyOption.ATOMIC_MOVE);
					});
			this.contextRunner
				.withPropertyValues("pgsql.relation.state-file=" + file, "pgsql.relation.recheck-interval=200ms",
						"pgsql.relation.state-file-max-size=64KB", "pgsql.relation.state-file-require-private=true")
				.run((context) -> {
					RelationStateWatcher watcher = context.getBean(RelationStateWatcher.class);
					try (Client client = new Client(context.getBean(DataSource.class))) {
						List<String> seen = new ArrayList<>();
						for (Abuse abuse : abuses) {
							abuse.apply();
							await().atMost(Duration.ofSeconds(10)).until(() -> {
								String problem = watcher.status().problem();
								return problem != null && !seen.contains(problem);
							});
							seen.add(watcher.status().problem());
							client.awaitServed(5);
						}
						if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
							Files.delete(file);
						}
						RelationStateFiles.write(file, RelationStateFiles.resolved(cluster).relationId(8));
						await().atMost(Duration.ofSeconds(10)).until(() -> watcher.status().problem() == null);
						RelationRef relation = watcher.current().relation();
						assertThat(relation).isNotNull();
						assertThat(relation.id()).isEqualTo(8);
						client.awaitServed(5);
						System.out.printf("%d queries served, %d failed, while %d abuses were reported%n",
								client.served.get(), client.failures.size(), seen.size());
						assertThat(client.failures).isEmpty();
						assertThat(context.getBean(ProblemRecorder.class).problems).doesNotHaveDuplicates()
							.containsExactlyElementsOf(seen)
							.noneMatch((problem) -> problem.contains(cluster.password()));
					}
				});
		}
	}

	private static void write(Path file, String content, String permissions) throws IOException {
		write(file, content, permissions, StandardCharsets.UTF_8);
	}

	private static void write(Path file, String content, String permissions, java.nio.charset.Charset charset)
			throws IOException {
		Path temporary = Files.createTempFile(file.getParent(), ".state", ".tmp");
		Files.writeString(temporary, content, charset);
		Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	@FunctionalInterface
	interface Abuse {

		void apply() throws IOException;

	}

	static class ProblemRecorder implements RefreshListener {

		final List<String> problems = new CopyOnWriteArrayList<>();

		@Override
		public void problem(String message) {
			this.problems.add(message);
		}

	}

	/** Runs {@code SELECT 1} without pause, as an application serving requests. */
	private static final class Client implements AutoCloseable {

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final AtomicInteger served = new AtomicInteger();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Client(DataSource dataSource) {
			this.thread = new Thread(() -> {
				while (this.running.get()) {
					try (Connection connection = dataSource.getConnection();
							Statement statement = connection.createStatement()) {
						statement.execute("SELECT 1");
						this.served.incrementAndGet();
					}
					catch (Exception ex) {
						this.failures.add(ex);
					}
				}
			}, "serving-client");
			this.thread.start();
		}

		void awaitServed(int more) {
			int target = this.served.get() + more;
			await().atMost(Duration.ofSeconds(10)).until(() -> this.served.get() >= target || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(10_000);
		}

	}

}
