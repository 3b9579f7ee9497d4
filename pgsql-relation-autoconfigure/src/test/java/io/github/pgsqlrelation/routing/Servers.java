package io.github.pgsqlrelation.routing;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/** Runs transactions the way a Spring application does, and asks the server where they ran. */
final class Servers {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate writes;

	private final TransactionTemplate reads;

	Servers(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		this.writes = new TransactionTemplate(transactionManager);
		this.reads = new TransactionTemplate(transactionManager);
		this.reads.setReadOnly(true);
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	<T> T write(TransactionCallback<T> callback) {
		return this.writes.execute(callback);
	}

	<T> T read(TransactionCallback<T> callback) {
		return this.reads.execute(callback);
	}

	Server whereWritesRun() {
		return write((status) -> here());
	}

	Server whereReadsRun() {
		return read((status) -> here());
	}

	/** Where the current transaction runs. */
	Server here() {
		return this.jdbc.queryForObject("select pg_is_in_recovery(), inet_server_port(), pg_backend_pid(), "
				+ "current_setting('transaction_read_only') = 'on'", (rs, row) -> new Server(rs.getBoolean(1),
						rs.getInt(2), rs.getInt(3), rs.getBoolean(4)));
	}

	record Server(boolean inRecovery, int port, int pid, boolean readOnly) {

	}

}
