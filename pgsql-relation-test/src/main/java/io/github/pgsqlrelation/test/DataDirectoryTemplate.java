package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A freshly initialized and configured data directory, made once per JVM and set of
 * binaries: every cluster's primary starts from a copy of it, which takes a fraction of
 * the time {@code initdb} takes.
 *
 * @param dataDirectory the template data directory
 * @param superuserPassword the bootstrap superuser's password
 */
record DataDirectoryTemplate(Path dataDirectory, String superuserPassword) {

	private static final Map<Path, DataDirectoryTemplate> TEMPLATES = new HashMap<>();

	static synchronized DataDirectoryTemplate get(PostgresBinaries binaries, Path parent) {
		DataDirectoryTemplate template = TEMPLATES.get(binaries.directory());
		if (template == null || !Files.isDirectory(template.dataDirectory())) {
			template = create(binaries, parent);
			TEMPLATES.put(binaries.directory(), template);
		}
		return template;
	}

	private static DataDirectoryTemplate create(PostgresBinaries binaries, Path parent) {
		String password = LibpqValues.newPassword();
		try {
			Path root = ClusterDirectories.create(parent, ClusterReaper.ROOT_PREFIX + "template-");
			ClusterReaper.deleteOnExit(root);
			Path passwordFile = root.resolve("superuser-password");
			Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
			ServerUser.get().own(root);
			Path data = root.resolve("data");
			new ServerCommands(binaries, ServerUser.get(), root).run(Duration.ofMinutes(2), "initdb", "-D",
					data.toString(), "-U", NodeSettings.SUPERUSER, "--pwfile=" + passwordFile, "--auth-local=trust",
					"--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
			Files.delete(passwordFile);
			NodeSettings.writeCommon(data);
			return new DataDirectoryTemplate(data, password);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a template data directory in " + parent, ex);
		}
	}

}
