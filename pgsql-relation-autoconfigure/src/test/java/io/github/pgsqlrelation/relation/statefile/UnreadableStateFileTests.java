package io.github.pgsqlrelation.relation.statefile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state file the application's user may not read, for real: root reads anything, so
 * under root the watcher runs in a JVM of its own as {@code nobody}, switched with
 * {@code setpriv} as the servers of the test clusters are.
 */
class UnreadableStateFileTests {

	private static final String UNPRIVILEGED_USER = "nobody";

	@TempDir
	Path directory;

	private final List<String> problems = new ArrayList<>();

	private Process probe;

	private BlockingQueue<String> statuses;

	@AfterEach
	void stopProbe() throws InterruptedException {
		if (this.probe != null) {
			this.probe.destroy();
			this.probe.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void fileTheApplicationMayNotReadKeepsTheLastGoodStateReportsOnceAndCatchesUp() throws Exception {
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path file = this.directory.resolve("state.json");
		write(file, WatchedStateFile.state("10.0.0.5"), "rw-r--r--", false);
		startProbe(file);
		assertThat(status()).isEqualTo("status 10.0.0.5 null");
		// As a charm that wrote it for another user: private, and not ours.
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		if (!isRoot()) {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
		}
		String denied = "status 10.0.0.5 Relation state file " + file + " cannot be read: permission denied";
		assertThat(status()).isEqualTo(denied);
		assertThat(status()).isEqualTo(denied);
		write(file, WatchedStateFile.state("10.0.0.6"), "rw-------", true);
		assertThat(status()).isEqualTo("status 10.0.0.6 null");
		assertThat(this.problems)
			.containsExactly("problem Relation state file " + file + " cannot be read: permission denied");
	}

	private void startProbe(Path file) throws IOException, URISyntaxException {
		List<String> command = new ArrayList<>();
		if (isRoot()) {
			command.addAll(List.of("setpriv", "--reuid=" + id("-u"), "--regid=" + id("-g"), "--clear-groups", "--"));
		}
		command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto", "-Xmx64m", "-cp", classPath(),
				StateFileProbe.class.getName(), file.toString()));
		this.probe = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		this.statuses = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.probe.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.startsWith("problem ")) {
						synchronized (this.problems) {
							this.problems.add(line);
						}
					}
					else {
						this.statuses.add(line);
					}
				}
			}
			catch (IOException ex) {
				// The probe ended.
			}
		}, "state-file-probe-reader");
		reader.setDaemon(true);
		reader.start();
	}

	private String status() throws IOException, InterruptedException {
		OutputStream commands = this.probe.getOutputStream();
		commands.write('\n');
		commands.flush();
		String status = this.statuses.poll(60, TimeUnit.SECONDS);
		assertThat(status).as("status from the probe").isNotNull();
		return status;
	}

	/**
	 * The classes the watcher needs, copied where the unprivileged user can read them
	 * (the build's own directories may be in a home directory only root may enter).
	 */
	private String classPath() throws IOException, URISyntaxException {
		Path copies = Files.createDirectory(this.directory.resolve("classpath"));
		List<String> entries = new ArrayList<>();
		int index = 0;
		for (Class<?> anchor : List.of(StateFileProbe.class, RelationStateWatcher.class,
				tools.jackson.databind.json.JsonMapper.class, tools.jackson.core.JsonParser.class,
				com.fasterxml.jackson.annotation.JsonCreator.class, org.apache.commons.logging.LogFactory.class,
				org.postgresql.PGProperty.class)) {
			Path source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
			Path copy = copies.resolve(index++ + "-" + source.getFileName());
			copyTree(source, copy);
			entries.add(copy.toString());
		}
		return entries.stream().distinct().collect(Collectors.joining(":"));
	}

	private static void copyTree(Path source, Path target) throws IOException {
		try (Stream<Path> paths = Files.walk(source)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path copy = target.resolve(source.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(copy);
				}
				else {
					Files.copy(path, copy);
				}
			}
		}
		try (Stream<Path> paths = Files.walk(target)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Files.setPosixFilePermissions(path,
						PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
			}
		}
	}

	private void write(Path file, String content, String permissions, boolean forTheProbe) throws IOException {
		Path temporary = Files.createTempFile(this.directory, ".state", ".tmp");
		Files.writeString(temporary, content);
		Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
		if (forTheProbe && isRoot()) {
			UserPrincipalLookupService users = temporary.getFileSystem().getUserPrincipalLookupService();
			Files.setOwner(temporary, users.lookupPrincipalByName(UNPRIVILEGED_USER));
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private static boolean isRoot() {
		return "0".equals(run("id", "-u"));
	}

	private static String id(String option) {
		return run("id", option, UNPRIVILEGED_USER);
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
