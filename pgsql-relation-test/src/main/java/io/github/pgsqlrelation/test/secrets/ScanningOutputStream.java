package io.github.pgsqlrelation.test.secrets;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * Passes everything on to the stream it wraps and checks each line for known secrets. The
 * line is checked after it is written: the aim is to fail the test, the build output is
 * masked by the failure message.
 */
final class ScanningOutputStream extends FilterOutputStream {

	private static final int LONGEST_LINE = 64 * 1024;

	private final String source;

	private final Charset charset;

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	ScanningOutputStream(OutputStream out, String source, Charset charset) {
		super(out);
		this.source = source;
		this.charset = charset;
	}

	@Override
	public synchronized void write(int b) throws IOException {
		this.out.write(b);
		collect(b);
	}

	@Override
	public synchronized void write(byte[] b, int off, int len) throws IOException {
		this.out.write(b, off, len);
		for (int i = off; i < off + len; i++) {
			collect(b[i]);
		}
	}

	private void collect(int b) {
		if (b == '\n' || this.line.size() >= LONGEST_LINE) {
			SecretLeaks.check(this.source, this.line.toString(this.charset));
			this.line.reset();
			return;
		}
		this.line.write(b);
	}

}
