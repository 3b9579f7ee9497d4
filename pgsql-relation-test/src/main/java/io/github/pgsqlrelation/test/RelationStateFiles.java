package io.github.pgsqlrelation.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes relation state files (version 1) describing a {@link TestCluster}, as a charm
 * would: UTF-8 JSON, mode {@code 0600}, replaced atomically (a temporary file in the same
 * directory, then an atomic rename) so that a reader never sees half a file.
 * <pre class="code">
 * RelationStateFiles.writeResolved(file, cluster);
 * RelationStateFiles.postgresqlClient(cluster).tls(caPem).write(file);
 * RelationStateFiles.raw(cluster).relationId(7).canonicalStyle().write(file);
 * RelationStateFiles.write(file, RelationStateFiles.raw(cluster), RelationStateFiles.resolved(cluster).relationId(8));
 * </pre>
 */
public final class RelationStateFiles {

	private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private RelationStateFiles() {
	}

	/**
	 * Writes a file holding one {@code resolved} relation: the cluster's primary and its
	 * running standbys.
	 * @param file the file
	 * @param cluster the cluster
	 */
	public static void writeResolved(Path file, TestCluster cluster) {
		write(file, resolved(cluster));
	}

	/**
	 * Writes a file holding one {@code raw} relation, ready, as a server following the
	 * {@code pgsql} v2 protocol publishes it (see {@link RawRelation}).
	 * @param file the file
	 * @param cluster the cluster
	 */
	public static void writeRaw(Path file, TestCluster cluster) {
		write(file, raw(cluster));
	}

	/**
	 * Writes a file holding one {@code postgresql_client} relation on endpoint
	 * {@code database}, ready, as a charm exports it from a machine PostgreSQL charm's
	 * data and secrets (see {@link PostgresqlClientRelation}).
	 * @param file the file
	 * @param cluster the cluster
	 */
	public static void writePostgresqlClient(Path file, TestCluster cluster) {
		write(file, postgresqlClient(cluster));
	}

	/**
	 * A {@code postgresql_client} relation describing the cluster, to adjust before
	 * writing.
	 * @param cluster the cluster
	 * @return the relation
	 */
	public static PostgresqlClientRelation postgresqlClient(TestCluster cluster) {
		return new PostgresqlClientRelation(cluster);
	}

	/**
	 * A {@code raw} relation describing the cluster, to adjust before writing.
	 * @param cluster the cluster
	 * @return the relation
	 */
	public static RawRelation raw(TestCluster cluster) {
		return new RawRelation(cluster);
	}

	/**
	 * A {@code resolved} relation describing the cluster, to adjust before writing.
	 * @param cluster the cluster
	 * @return the relation
	 */
	public static ResolvedRelation resolved(TestCluster cluster) {
		return new ResolvedRelation(cluster);
	}

	/**
	 * Writes a file holding the given relations (none: an empty {@code relations} array).
	 * @param file the file
	 * @param relations the relations, in this order
	 */
	public static void write(Path file, StateFileRelation... relations) {
		writeAtomically(file, toJson(relations));
	}

	/**
	 * The content of a state file holding the given relations.
	 * @param relations the relations
	 * @return the JSON text
	 */
	public static String toJson(StateFileRelation... relations) {
		List<Object> relationList = new ArrayList<>();
		for (StateFileRelation relation : relations) {
			if (relation instanceof RawRelation raw) {
				relationList.add(raw.toJson());
			}
			else if (relation instanceof ResolvedRelation resolved) {
				relationList.add(resolved.toJson());
			}
			else if (relation instanceof PostgresqlClientRelation client) {
				relationList.add(client.toJson());
			}
		}
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("version", 1);
		root.put("relations", relationList);
		return MAPPER.writeValueAsString(root) + "\n";
	}

	/**
	 * Replaces a file's content atomically with mode {@code 0600}.
	 * @param file the file
	 * @param content the new content
	 */
	public static void writeAtomically(Path file, String content) {
		Path target = file.toAbsolutePath();
		Path directory = target.getParent();
		try {
			Files.createDirectories(directory);
			Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			try {
				Files.writeString(temporary, content, StandardCharsets.UTF_8);
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write relation state file " + target, ex);
		}
	}

}
