package io.github.pgsqlrelation.connection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding as libpq's URI form uses it: every part of the URI is decoded,
 * {@code +} included as is.
 */
final class PercentEncoding {

	private static final String HEX = "0123456789ABCDEF";

	private PercentEncoding() {
	}

	/**
	 * Decodes {@code text[start, end)}.
	 * @throws ConnectionStringException naming the position of a bad escape, never its
	 * text
	 */
	static String decode(String text, int start, int end) {
		int firstEscape = text.indexOf('%', start);
		if (firstEscape < 0 || firstEscape >= end) {
			return text.substring(start, end);
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		int i = start;
		while (i < end) {
			char c = text.charAt(i);
			if (c != '%') {
				int next = i + ((Character.isHighSurrogate(c) && i + 1 < end) ? 2 : 1);
				bytes.writeBytes(text.substring(i, next).getBytes(StandardCharsets.UTF_8));
				i = next;
				continue;
			}
			int high = (i + 1 < end) ? Character.digit(text.charAt(i + 1), 16) : -1;
			int low = (i + 2 < end) ? Character.digit(text.charAt(i + 2), 16) : -1;
			if (high < 0 || low < 0) {
				throw new ConnectionStringException("Invalid percent-encoding at position " + i
						+ ": '%' must be followed by two hexadecimal digits", i);
			}
			int value = high * 16 + low;
			if (value == 0) {
				throw new ConnectionStringException("Forbidden percent-encoded NUL (%00) at position " + i, i);
			}
			bytes.write(value);
			i += 3;
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Encodes everything but RFC 3986 unreserved characters, so any value survives any
	 * URI part.
	 */
	static String encode(String value) {
		StringBuilder result = new StringBuilder(value.length());
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
					|| c == '_' || c == '~') {
				result.append(c);
			}
			else {
				result.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
			}
		}
		return result.toString();
	}

}
