package io.github.pgsqlrelation.testcontainers;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * What an application does: writes in read-write transactions, reads in read-only ones,
 * each telling which server ran it.
 */
public class NodeService {

	private final JdbcTemplate jdbc;

	public NodeService(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Inserts a row and returns the name of the server that took it. */
	@Transactional
	public String write(String text) {
		this.jdbc.update("CREATE TABLE IF NOT EXISTS note (text text)");
		this.jdbc.update("INSERT INTO note VALUES (?)", text);
		return serverName();
	}

	/**
	 * The name of the server a read-only transaction runs on, and whether it is a
	 * standby.
	 */
	@Transactional(readOnly = true)
	public Read read() {
		boolean standby = Boolean.TRUE.equals(this.jdbc.queryForObject("SELECT pg_is_in_recovery()", Boolean.class));
		return new Read(serverName(), standby);
	}

	/** Counts the rows holding the text, in a read-only transaction. */
	@Transactional(readOnly = true)
	public int count(String text) {
		Integer count = this.jdbc.queryForObject("SELECT count(*) FROM note WHERE text = ?", Integer.class, text);
		return (count != null) ? count : 0;
	}

	private String serverName() {
		return this.jdbc.queryForObject("SELECT current_setting('cluster_name')", String.class);
	}

	public record Read(String server, boolean standby) {

	}

}
