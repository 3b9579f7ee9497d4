package io.github.pgsqlrelation.autoconfigure.integration;

/**
 * The server that served a statement, as seen from inside the transaction.
 *
 * @param port the server's port ({@code inet_server_port()})
 * @param inRecovery whether it is a standby ({@code pg_is_in_recovery()})
 */
record Backend(int port, boolean inRecovery) {

}
