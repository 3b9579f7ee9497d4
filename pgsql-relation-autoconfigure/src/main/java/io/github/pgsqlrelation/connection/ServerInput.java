package io.github.pgsqlrelation.connection;

import java.io.IOException;

/**
 * What the server sent one pgjdbc connection and the driver has not acted on yet, for a
 * connection idle in a pool, which expects nothing: most likely the server's last word,
 * the {@code FATAL} with which a shutdown, {@code pg_terminate_backend} or
 * {@code idle_session_timeout} ends a session, which the next statement would meet as its
 * failure; otherwise a notice or a notification. Learned through
 * {@link SocketCapture#input()}.
 * <p>
 * Two places may hold such bytes: the socket, which counts the bytes it received and
 * nobody read (through TLS as well, being the socket under it), and pgjdbc's own buffer,
 * filled by a read that brought more than the reply it waited for. The second is seen on
 * connections without TLS only, by the bytes that read ended with (see
 * {@link #hasUnread()}). Under TLS, Java's TLS layer reads one record at a time, so a
 * message behind the reply stays on the socket. Under pgjdbc's GSSAPI encryption
 * ({@code gssencmode}), pgjdbc decrypts from a buffer of its own, and a message there
 * goes unseen.
 */
public final class ServerInput {

	private final TailKeepingInputStream socketInput;

	private final boolean plain;

	ServerInput(TailKeepingInputStream socketInput, boolean plain) {
		this.socketInput = socketInput;
		this.plain = plain;
	}

	/** Whether pgjdbc's own buffer is seen: the connection's bytes are not encrypted. */
	boolean seesDriverBuffer() {
		return this.plain;
	}

	/**
	 * Tells, without a round trip, whether the server sent the connection something the
	 * driver has not acted on: bytes waiting on the socket (one system call), or, without
	 * TLS, a last read of pgjdbc that did not end with the {@code ReadyForQuery} message
	 * closing its last exchange. Meant for a connection nobody uses at the time; a
	 * connection whose {@code getNotifications()} read notifications from the socket
	 * counts as having some until its next statement.
	 * @return whether the server sent something; {@code true} when the socket closed
	 */
	public boolean hasUnread() {
		try {
			return this.socketInput.available() > 0 || (this.plain && !this.socketInput.endsWithReadyForQuery());
		}
		catch (IOException ex) {
			// The socket closed under the connection
			return true;
		}
	}

}
