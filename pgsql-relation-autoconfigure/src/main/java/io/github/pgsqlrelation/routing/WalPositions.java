package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import org.postgresql.core.BaseConnection;

/**
 * The two queries read-your-writes costs: the master's WAL position right after a commit,
 * and a standby's replay position. Positions are byte positions in the WAL
 * ({@code pg_lsn - '0/0'}), so that they compare as numbers and need no parsing.
 * <p>
 * Both run through pgjdbc's {@code execSQLQuery}, which never opens a transaction (its
 * {@code QUERY_SUPPRESS_BEGIN}), even on a connection in manual-commit mode: the query
 * after a commit leaves no transaction open behind it, and the one before a read lets the
 * read's transaction take its snapshot after the check.
 */
final class WalPositions {

	/**
	 * Run right after {@code COMMIT} returned, on the same connection.
	 * {@code pg_current_wal_insert_lsn()} is then at or past the end of the commit
	 * record: the record was inserted before the commit returned, and the insert position
	 * only moves forward. It is an upper bound that holds with
	 * {@code synchronous_commit = off} too, where the write and flush positions may still
	 * be behind the commit record.
	 */
	private static final String AFTER_COMMIT = "select (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::int8, "
			+ "current_setting('wal_block_size')::int4";

	/**
	 * A server no longer in recovery (promoted, not yet known as the master) has
	 * everything it wrote itself.
	 */
	private static final String REPLAYED = "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() "
			+ "else pg_current_wal_insert_lsn() end - '0/0'::pg_lsn)::int8";

	/** {@code SizeOfXLogShortPHD} on 64-bit servers. */
	private static final int SHORT_PAGE_HEADER = 24;

	/** {@code SizeOfXLogLongPHD}, at the start of a WAL segment. */
	private static final int LONG_PAGE_HEADER = 40;

	private WalPositions() {
	}

	/**
	 * Returns an upper bound of the end of the commit record of the transaction that the
	 * connection has just committed.
	 * @throws SQLException if the query fails (the connection broke, the server is not a
	 * primary)
	 */
	static long afterCommit(Connection connection) throws SQLException {
		try (Result result = query(connection, AFTER_COMMIT)) {
			return commitUpperBound(result.rows().getLong(1), result.rows().getInt(2));
		}
	}

	/**
	 * Returns the position the standby has replayed (or, if it is no longer in recovery,
	 * its own insert position).
	 * @throws SQLException if the query fails
	 */
	static long replayed(Connection connection) throws SQLException {
		try (Result result = query(connection, REPLAYED)) {
			long lsn = result.rows().getLong(1);
			return result.rows().wasNull() ? 0 : lsn;
		}
	}

	/**
	 * At the start of a WAL page the insert position is past the page header, where no
	 * record ends; a standby's replay position ({@code lastReplayedEndRecPtr}) stops
	 * before it, at the page boundary. Without this, a master idle right after a commit
	 * that filled its page exactly would keep every such read off the standbys.
	 */
	static long commitUpperBound(long insertPosition, int walBlockSize) {
		long offset = insertPosition % walBlockSize;
		return (offset == SHORT_PAGE_HEADER || offset == LONG_PAGE_HEADER) ? insertPosition - offset : insertPosition;
	}

	/**
	 * Formats a position as PostgreSQL shows a {@code pg_lsn}, e.g. {@code 0/3000060}.
	 */
	static String format(long lsn) {
		if (lsn == WritePosition.UNKNOWN) {
			return "unknown";
		}
		return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT) + "/"
				+ Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
	}

	private static Result query(Connection connection, String sql) throws SQLException {
		ResultSet rows = connection.unwrap(BaseConnection.class).execSQLQuery(sql);
		if (!rows.next()) {
			rows.getStatement().close();
			throw new SQLException("No row from " + sql, "02000");
		}
		return new Result(rows);
	}

	private record Result(ResultSet rows) implements AutoCloseable {

		@Override
		public void close() throws SQLException {
			Statement statement = this.rows.getStatement();
			this.rows.close();
			if (statement != null) {
				statement.close();
			}
		}

	}

}
