package io.github.pgsqlrelation.demo;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Tells a failure of the connection from a failure of the SQL.
 */
final class LostConnections {

	private LostConnections() {
	}

	/**
	 * Whether the failure is a lost connection: SQLSTATE class 08 (connection exception)
	 * or 57P01 to 57P03 (the server shut down, crashed or cannot connect now).
	 */
	static boolean isLostConnection(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isConnectionState(@Nullable String state) {
		return state != null && (state.startsWith("08") || state.startsWith("57P0"));
	}

}
