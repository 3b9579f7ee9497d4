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

	/**
	 * Returns the socket's input, the same stream each time: pgjdbc may connect on a
	 * thread of its own (its {@code loginTimeout}), and a second stream would keep a tail
	 * of its own, which the check would never see move. Nothing blocks while holding the
	 * lock, which is the socket's.
	 */
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
	 * Returns what the server sends this socket and pgjdbc has not acted on, to be asked
	 * whenever its connection is idle. Whether pgjdbc's bytes are readable here (no TLS
	 * or GSSAPI encryption over them) is decided now: call it while the connection is
	 * idle after connecting.
	 * @return the input, or {@code null} once the socket closed
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
