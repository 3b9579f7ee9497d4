package io.github.pgsqlrelation.connection;

import java.util.Map;
import java.util.StringJoiner;

/**
 * Writes the libpq keyword=value form that {@link KeywordValueParser} reads back
 * unchanged.
 */
final class KeywordValueWriter {

	private KeywordValueWriter() {
	}

	static String write(Map<String, String> keywords) {
		StringJoiner result = new StringJoiner(" ");
		keywords.forEach((keyword, value) -> result.add(keyword + "=" + quoteIfNeeded(value)));
		return result.toString();
	}

	/**
	 * Quotes a value that is empty or holds whitespace, a quote or a backslash, as libpq
	 * needs.
	 */
	static String quoteIfNeeded(String value) {
		boolean needsQuotes = value.isEmpty()
				|| value.chars().anyMatch((c) -> c == '\'' || c == '\\' || KeywordValueParser.isWhitespace((char) c));
		if (!needsQuotes) {
			return value;
		}
		StringBuilder result = new StringBuilder(value.length() + 2).append('\'');
		for (char c : value.toCharArray()) {
			if (c == '\'' || c == '\\') {
				result.append('\\');
			}
			result.append(c);
		}
		return result.append('\'').toString();
	}

}
