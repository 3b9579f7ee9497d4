package io.github.pgsqlrelation.autoconfigure.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.test.RelationStateFiles;

/**
 * Writes relation state files whose servers listen on loopback ports where nothing
 * listens.
 */
final class StateFile {

	static final String PASSWORD = "s3cret-pw";

	private StateFile() {
	}

	static String server(int port) {
		return "dbname=app host=127.0.0.1 port=" + port + " user=relation-7 password=" + PASSWORD;
	}

	static void write(Path file, String master, List<String> standbys) {
		RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": [{\"shape\": \"resolved\", "
				+ "\"endpoint\": \"db\", \"relation-id\": 7, \"remote-app\": \"postgresql\", \"database\": \"app\", "
				+ "\"version\": \"15.10\", \"master\": \"" + master + "\", \"standbys\": ["
				+ standbys.stream().map((standby) -> "\"" + standby + "\"").collect(Collectors.joining(", ")) + "]}]}");
	}

	/** Writes two ready relations on the same endpoint: the application uses neither. */
	static void writeTwoRelations(Path file, String master) {
		String relation = "{\"shape\": \"resolved\", \"endpoint\": \"db\", \"relation-id\": %d, "
				+ "\"remote-app\": \"%s\", \"master\": \"" + master + "\"}";
		RelationStateFiles.writeAtomically(file, "{\"version\": 1, \"relations\": ["
				+ relation.formatted(7, "postgresql") + ", " + relation.formatted(8, "postgresql-old") + "]}");
	}

	/**
	 * Returns a loopback port that nothing listens on: connections are refused at once.
	 */
	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
