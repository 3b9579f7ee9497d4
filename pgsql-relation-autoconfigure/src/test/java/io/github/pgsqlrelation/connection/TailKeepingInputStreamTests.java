package io.github.pgsqlrelation.connection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TailKeepingInputStream}: the bytes of PostgreSQL's protocol as pgjdbc
 * reads them.
 */
class TailKeepingInputStreamTests {

	private static final byte[] COMMAND_COMPLETE = { 'C', 0, 0, 0, 11, 'C', 'O', 'M', 'M', 'I', 'T', 0 };

	/** {@code ErrorResponse}: severity FATAL, code 57P01, terminated. */
	private static final byte[] FATAL = { 'E', 0, 0, 0, 20, 'S', 'F', 'A', 'T', 'A', 'L', 0, 'C', '5', '7', 'P', '0',
			'1', 0, 0 };

	@ParameterizedTest(name = "transaction status {0}")
	@ValueSource(chars = { 'I', 'T', 'E' })
	void endsWithReadyForQueryOnceAReplyEndingWithItWasRead(char status) throws IOException {
		TailKeepingInputStream input = reading(concat(COMMAND_COMPLETE, readyForQuery(status)));
		assertThat(input.endsWithReadyForQuery()).isFalse();
		readAll(input);
		assertThat(input.endsWithReadyForQuery()).isTrue();
	}

	@Test
	void doesNotWhereTheReadBroughtMoreThanTheReply() throws IOException {
		TailKeepingInputStream input = reading(concat(COMMAND_COMPLETE, readyForQuery('I'), FATAL));
		readAll(input);
		assertThat(input.endsWithReadyForQuery()).isFalse();
	}

	@Test
	void seesAReadyForQuerySplitOverReads() throws IOException {
		byte[] reply = concat(COMMAND_COMPLETE, readyForQuery('T'));
		TailKeepingInputStream input = new TailKeepingInputStream(new SequenceInputStream(Collections.enumeration(
				Arrays.asList(chunk(reply, 0, reply.length - 3), chunk(reply, reply.length - 3, reply.length)))));
		byte[] buffer = new byte[64];
		assertThat(input.read(buffer, 0, buffer.length)).isEqualTo(reply.length - 3);
		assertThat(input.endsWithReadyForQuery()).isFalse();
		assertThat(input.read(buffer, 7, buffer.length - 7)).isEqualTo(3);
		assertThat(input.endsWithReadyForQuery()).isTrue();
	}

	@Test
	void seesBytesReadOneAtATime() throws IOException {
		TailKeepingInputStream input = reading(readyForQuery('I'));
		while (input.read() >= 0) {
			// reads every byte
		}
		assertThat(input.endsWithReadyForQuery()).isTrue();
	}

	@Test
	void takesNoOtherStatusOrLengthForAReadyForQuery() throws IOException {
		byte[] otherStatus = readyForQuery('X');
		byte[] otherLength = readyForQuery('I');
		otherLength[4] = 6;
		for (byte[] tail : new byte[][] { otherStatus, otherLength, FATAL }) {
			TailKeepingInputStream input = reading(tail);
			readAll(input);
			assertThat(input.endsWithReadyForQuery()).isFalse();
		}
	}

	@Test
	void knowsNothingOfBytesSkipped() throws IOException {
		TailKeepingInputStream input = reading(concat(readyForQuery('I'), readyForQuery('I')));
		input.readNBytes(6);
		assertThat(input.endsWithReadyForQuery()).isTrue();
		assertThat(input.skip(6)).isEqualTo(6);
		assertThat(input.endsWithReadyForQuery()).isFalse();
	}

	static byte[] readyForQuery(char status) {
		return new byte[] { 'Z', 0, 0, 0, 5, (byte) status };
	}

	private static TailKeepingInputStream reading(byte[] bytes) {
		return new TailKeepingInputStream(new ByteArrayInputStream(bytes));
	}

	private static void readAll(InputStream input) throws IOException {
		byte[] buffer = new byte[8192];
		while (input.read(buffer, 0, buffer.length) >= 0) {
			// reads in chunks, as pgjdbc does
		}
	}

	private static InputStream chunk(byte[] bytes, int from, int to) {
		return new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, to));
	}

	static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] result = new byte[length];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, result, offset, part.length);
			offset += part.length;
		}
		return result;
	}

}
