package io.github.pgsqlrelation.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * The JDBC calls Spring's {@code DataSourceTransactionManager} makes around a transaction
 * ({@code doBegin}, {@code doCommit}, {@code doCleanupAfterCompletion}), with
 * {@code JdbcTemplate}'s plain statement in between. Both the routing and a plain pool
 * see exactly this sequence, so any difference between them is the routing's.
 */
final class SpringTransactions {

	private static final String QUERY = "SELECT 1";

	private SpringTransactions() {
	}

	/** {@code @Transactional(readOnly = true)} running {@code SELECT 1}. */
	static int readOnly(DataSource dataSource) throws SQLException {
		return transaction(dataSource, true);
	}

	/**
	 * {@code @Transactional} running {@code SELECT 1}: a read-write transaction, so
	 * routed to the master. The statement writes nothing, so that the server's commit
	 * costs the same both ways and nothing but the routing differs.
	 */
	static int readWrite(DataSource dataSource) throws SQLException {
		return transaction(dataSource, false);
	}

	/**
	 * The same calls without a statement, for the cost of handing out a connection alone
	 * (no round trip to a server): Spring's lazy proxy takes its physical connection on
	 * the first statement, which {@link ConnectionProxy#getTargetConnection()} stands in
	 * for.
	 */
	static Connection checkout(DataSource dataSource, boolean readOnly) throws SQLException {
		Connection connection = dataSource.getConnection();
		try {
			begin(connection, readOnly);
			Connection target = (connection instanceof ConnectionProxy proxy) ? proxy.getTargetConnection()
					: connection;
			end(connection, readOnly);
			return target;
		}
		finally {
			connection.close();
		}
	}

	/**
	 * {@code getConnection()} and {@code close()}, nothing else: on Spring's lazy proxy
	 * no physical connection is taken (and so none is returned).
	 */
	static boolean getClose(DataSource dataSource) throws SQLException {
		Connection connection = dataSource.getConnection();
		connection.close();
		return connection.isClosed();
	}

	private static int transaction(DataSource dataSource, boolean readOnly) throws SQLException {
		Connection connection = dataSource.getConnection();
		try {
			begin(connection, readOnly);
			int result;
			try (Statement statement = connection.createStatement();
					ResultSet resultSet = statement.executeQuery(QUERY)) {
				resultSet.next();
				result = resultSet.getInt(1);
			}
			connection.commit();
			end(connection, readOnly);
			return result;
		}
		finally {
			connection.close();
		}
	}

	private static void begin(Connection connection, boolean readOnly) throws SQLException {
		if (readOnly) {
			connection.setReadOnly(true);
		}
		if (connection.getAutoCommit()) {
			connection.setAutoCommit(false);
		}
	}

	private static void end(Connection connection, boolean readOnly) throws SQLException {
		connection.setAutoCommit(true);
		if (readOnly) {
			connection.setReadOnly(false);
		}
	}

}
