package io.github.pgsqlrelation.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A socket's input that remembers the last bytes it handed to pgjdbc, which reads it in
 * chunks into a buffer of its own. On a connection pgjdbc has left idle, without TLS, the
 * last of them are the {@code ReadyForQuery} message that ended its last exchange with
 * the server ({@code 'Z'}, length 5, transaction status {@code 'I'}, {@code 'T'} or
 * {@code 'E'}; PostgreSQL's frontend/backend protocol): anything else means that the read
 * brought more, which waits in pgjdbc's buffer. What a server sends an idle session
 * unasked ({@code ErrorResponse}, {@code NoticeResponse}, {@code NotificationResponse},
 * {@code ParameterStatus}) ends with a string's terminating zero byte, so neither it nor
 * a part of it read so far ends like a {@code ReadyForQuery}.
 * <p>
 * Written by hand: pgjdbc shows neither its buffer nor a check of it without a 1 ms wait
 * on the socket.
 */
final class TailKeepingInputStream extends FilterInputStream {

	/**
	 * A {@code ReadyForQuery}'s bytes: its type, its length (counting itself), its
	 * status.
	 */
	private static final int READY_FOR_QUERY_SIZE = 6;

	/** {@code 'Z'} and the length 5, before the status byte. */
	private static final long READY_FOR_QUERY_HEAD = 0x5A_0000_0005L;

	private static final long HEAD_MASK = 0xFF_FFFF_FFFFL;

	/**
	 * The last bytes read, the latest in the lowest byte; 0 where unknown. Written by the
	 * thread using the connection, read by the next one to take it from the pool.
	 */
	private volatile long tail;

	TailKeepingInputStream(InputStream in) {
		super(in);
	}

	@Override
	public int read() throws IOException {
		int read = this.in.read();
		if (read >= 0) {
			this.tail = (this.tail << 8) | read;
		}
		return read;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		int read = this.in.read(buffer, offset, length);
		if (read > 0) {
			long last = this.tail;
			for (int i = Math.max(offset, offset + read - READY_FOR_QUERY_SIZE); i < offset + read; i++) {
				last = (last << 8) | (buffer[i] & 0xFF);
			}
			this.tail = last;
		}
		return read;
	}

	@Override
	public long skip(long n) throws IOException {
		long skipped = this.in.skip(n);
		if (skipped > 0) {
			// Bytes nobody saw: unknown until the next read
			this.tail = 0;
		}
		return skipped;
	}

	/** Whether the last bytes handed out are a whole {@code ReadyForQuery} message. */
	boolean endsWithReadyForQuery() {
		long last = this.tail;
		int status = (int) (last & 0xFF);
		return ((last >>> 8) & HEAD_MASK) == READY_FOR_QUERY_HEAD && (status == 'I' || status == 'T' || status == 'E');
	}

}
