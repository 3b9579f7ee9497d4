package io.github.pgsqlrelation.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.test.RelationStateFiles;

/**
 * Writes relation state files for tests that need no server: their backends listen on
 * loopback ports where nothing listens, so connections are refused at once.
 */
public final class TestStateFiles {

	/** The password of every backend, to check that it is never shown. */
	public static final String PASSWORD = "s3cret-pw";

	private TestStateFiles() {
	}

	/** Returns a connection string to a backend on the given loopback port. */
	public static String server(int port) {
		return "dbname=app host=127.0.0.1 port=" + port + " user=relation-7 password=" + PASSWORD;
	}

	/** Writes one ready, resolved relation with the given master and standbys. */
	public static void write(Path file, String master, List<String> standbys) {
		RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": [{\"shape\": \"resolved\", "
				+ "\"endpoint\": \"db\", \"relation-id\": 7, \"remote-app\": \"postgresql\", \"database\": \"app\", "
				+ "\"version\": \"15.10\", \"master\": \"" + master + "\", \"standbys\": ["
				+ standbys.stream().map((standby) -> "\"" + standby + "\"").collect(Collectors.joining(", ")) + "]}]}");
	}

	/** Writes two ready relations on the same endpoint: the application uses neither. */
	public static void writeTwoRelations(Path file, String master) {
		String relation = "{\"shape\": \"resolved\", \"endpoint\": \"db\", \"relation-id\": %d, "
				+ "\"remote-app\": \"%s\", \"master\": \"" + master + "\"}";
		RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": ["
				+ relation.formatted(7, "postgresql") + ", " + relation.formatted(8, "postgresql-old") + "]}");
	}

	/** Writes a relation that is there but hands out no master yet. */
	public static void writeWithoutMaster(Path file) {
		RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": [{\"shape\": \"resolved\", "
				+ "\"endpoint\": \"db\", \"relation-id\": 7, \"remote-app\": \"postgresql\", \"master\": null}]}");
	}

	/** Returns a loopback port that nothing listens on. */
	public static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
