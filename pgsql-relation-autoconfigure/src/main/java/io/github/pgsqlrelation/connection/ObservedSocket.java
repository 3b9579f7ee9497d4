package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.io.InputStream;

import java.net.Socket;

import org.jspecify.annotations.Nullable;

/**
 * A plain TCP socket whose input keeps its last bytes ({@link TailKeepingInputStream}),
 * made by {@link LibpqSocketFactory} for pgjdbc and for the TLS layer pgjdbc puts over
 * it.
 */
final class ObservedSocket extends Socket {

	private @Nullable TailKeepingInputStream input;

	@Override
	public synchronized InputStream getInputStream() throws IOException {
		// The socket's own checks first: closed, not connected, input shut down
		InputStream plain = super.getInputStream();
		TailKeepingInputStream input = this.input;
		if (input == null) {
			input = new TailKeepingInputStream(plain);
			this.input = input;
		}
		return input;
	}

	/**
	 * Returns what the server sent this socket and pgjdbc has not acted on, as seen now,
	 * while its connection is idle, or {@code null} once the socket closed.
	 */
	@Nullable ServerInput idleInput() {
		try {
			TailKeepingInputStream input = (TailKeepingInputStream) getInputStream();
			// pgjdbc left the connection idle after its last exchange: its bytes are
			// readable here only without TLS (or GSSAPI encryption) over them
			return new ServerInput(input, input.endsWithReadyForQuery());
		}
		catch (IOException ex) {
			return null;
		}
	}

}
