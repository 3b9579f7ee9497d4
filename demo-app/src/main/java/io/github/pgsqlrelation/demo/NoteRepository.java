package io.github.pgsqlrelation.demo;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Notes, one row each, and which server answers.
 */
@Repository
class NoteRepository {

	private final JdbcTemplate jdbc;

	NoteRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void createTableIfMissing() {
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS note (id bigserial PRIMARY KEY, text text NOT NULL, "
				+ "created_at timestamptz NOT NULL DEFAULT now())");
	}

	boolean tableExists() {
		return Boolean.TRUE.equals(this.jdbc.queryForObject("SELECT to_regclass('note') IS NOT NULL", Boolean.class));
	}

	/** Inserts a note and returns its id. */
	long insert(String text) {
		Long id = this.jdbc.queryForObject("INSERT INTO note (text) VALUES (?) RETURNING id", Long.class, text);
		return (id != null) ? id : 0;
	}

	/** Returns the id of the newest note this server has, 0 when it has none. */
	long newestId() {
		Long id = this.jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM note", Long.class);
		return (id != null) ? id : 0;
	}

	/** Returns the server that runs the current transaction. */
	Server server() {
		Server server = this.jdbc.queryForObject(
				"SELECT coalesce(host(inet_server_addr()), 'local'), inet_server_port(), pg_is_in_recovery()",
				(row, number) -> new Server(row.getString(1), row.getInt(2), row.getBoolean(3)));
		return (server != null) ? server : new Server("?", 0, false);
	}

	/**
	 * A PostgreSQL server as it describes itself.
	 *
	 * @param host the address the connection reached
	 * @param port the port it listens on
	 * @param inRecovery whether it is a standby
	 */
	record Server(String host, int port, boolean inRecovery) {

	}

}
