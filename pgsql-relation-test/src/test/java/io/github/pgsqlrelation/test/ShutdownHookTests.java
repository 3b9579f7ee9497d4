package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a test run that never closes its clusters leaves no server behind.
 */
class ShutdownHookTests {

	@TempDir
	Path directory;

	@Test
	void clustersLeftOpenAreClosedWhenTheJvmExits() throws Exception {
		Path report = this.directory.resolve("cluster.txt");
		Path output = this.directory.resolve("output.txt");
		Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), LeftOpenCluster.class.getName(), report.toString())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		assertThat(jvm.waitFor(120, TimeUnit.SECONDS)).as("JVM exited").isTrue();
		assertThat(jvm.exitValue()).as(Files.readString(output)).isZero();
		List<String> lines = Files.readAllLines(report);
		Path root = Path.of(lines.get(0));
		List<Long> pids = lines.subList(1, lines.size()).stream().map(Long::valueOf).toList();
		assertThat(pids).hasSize(2);
		assertThat(pids).noneMatch(ProcessKiller::isAlive);
		assertThat(root).doesNotExist();
	}

	/**
	 * Starts a cluster, reports where it lives, and exits without closing it.
	 */
	static final class LeftOpenCluster {

		public static void main(String[] args) throws IOException {
			PostgresCluster cluster = PostgresCluster.start(1);
			List<String> lines = new ArrayList<>();
			lines.add(cluster.rootDirectory().toString());
			cluster.nodes().forEach((node) -> lines.add(Long.toString(node.pid().orElseThrow())));
			Files.write(Path.of(args[0]), lines);
			System.exit(0);
		}

	}

}
