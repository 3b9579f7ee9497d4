package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PostgreSQL programs as the server user.
 *
 * @param binaries where the programs are
 * @param user who runs them
 * @param workDirectory the working directory (PostgreSQL programs fail when they cannot
 * read the current directory, e.g. {@code /root} for another user)
 */
record ServerCommands(PostgresBinaries binaries, ServerUser user, Path workDirectory) {

	private static final int OUTPUT_TAIL = 2000;

	/**
	 * Runs a program and waits for it.
	 * @param timeout how long it may take
	 * @param environment extra environment variables (never shown in messages)
	 * @param program the program name in the {@code bin} directory
	 * @param arguments its arguments
	 * @return what it printed
	 */
	String run(Duration timeout, Map<String, String> environment, String program, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(this.binaries.program(program).toString());
		command.addAll(List.of(arguments));
		String shown = String.join(" ", command);
		try {
			Path output = Files.createTempFile(this.workDirectory, "command-", ".log");
			try {
				ProcessBuilder builder = new ProcessBuilder(this.user.commandLine(command))
					.directory(this.workDirectory.toFile())
					.redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
				builder.environment().put("LC_ALL", "C");
				builder.environment().putAll(environment);
				Process process = builder.start();
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException(
							"'" + shown + "' did not finish within " + timeout + ": " + tail(output));
				}
				if (process.exitValue() != 0) {
					throw new IllegalStateException(
							"'" + shown + "' failed with exit code " + process.exitValue() + ": " + tail(output));
				}
				return Files.readString(output, StandardCharsets.UTF_8);
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run '" + shown + "'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running '" + shown + "'", ex);
		}
	}

	String run(Duration timeout, String program, String... arguments) {
		return run(timeout, Map.of(), program, arguments);
	}

	private static String tail(Path output) throws IOException {
		String text = Files.readString(output, StandardCharsets.UTF_8).trim();
		return (text.length() > OUTPUT_TAIL) ? "..." + text.substring(text.length() - OUTPUT_TAIL) : text;
	}

}
