package io.github.pgsqlrelation.routing;

import java.sql.SQLTransientConnectionException;

/**
 * Thrown at once, instead of waiting, when a connection needs the master and the relation
 * hands out none. The message says why: the relation is not ready (and what it waits
 * for), the master is gone, the endpoint has more than one relation, or the relation
 * state file is missing or invalid. Transient: it goes away when the relation provides a
 * master.
 */
public class RelationNotReadyException extends SQLTransientConnectionException {

	/** SQLSTATE class 08: the client could not establish the connection. */
	private static final String SQL_STATE = "08001";

	public RelationNotReadyException(String message) {
		super(message, SQL_STATE);
	}

}
