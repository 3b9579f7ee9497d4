package io.github.pgsqlrelation.connection;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the libpq keyword=value form as libpq's {@code conninfo_parse} does: pairs
 * separated by whitespace, optional whitespace around {@code =}, values either bare (up
 * to the next whitespace) or single-quoted, a backslash escaping the next character in
 * both. A keyword given twice keeps its last value. Error messages carry a zero-based
 * position and echo no text but a keyword name.
 */
final class KeywordValueParser {

	private final String text;

	private int index;

	private KeywordValueParser(String text) {
		this.text = text;
	}

	static Map<String, String> parse(String text) {
		return new KeywordValueParser(text).parse();
	}

	private Map<String, String> parse() {
		Map<String, String> keywords = new LinkedHashMap<>();
		boolean afterBareSecret = false;
		int portPosition = -1;
		while (skipWhitespace()) {
			int keywordStart = this.index;
			String keyword = readKeyword();
			skipWhitespace();
			if (this.index == this.text.length() || this.text.charAt(this.index) != '=') {
				throw new ConnectionStringException(
						"Missing '=' after the keyword starting at position " + keywordStart
								+ ((afterBareSecret) ? " (quote a secret that contains whitespace)" : ""),
						keywordStart);
			}
			this.index++;
			checkKnown(keyword, keywordStart, afterBareSecret);
			skipWhitespace();
			int valueStart = this.index;
			boolean quoted = valueStart < this.text.length() && this.text.charAt(valueStart) == '\'';
			String value = (quoted) ? readQuotedValue() : readBareValue();
			if (keyword.equals("port")) {
				portPosition = (quoted) ? valueStart + 1 : valueStart;
			}
			keywords.remove(keyword);
			keywords.put(keyword, value);
			afterBareSecret = !quoted && Keywords.isSecret(keyword);
		}
		if (keywords.containsKey("port")) {
			// Only the last port counts, as in libpq.
			Keywords.checkPorts(keywords.get("port"), portPosition);
		}
		return keywords;
	}

	private void checkKnown(String keyword, int position, boolean afterBareSecret) {
		if (afterBareSecret && !Keywords.KNOWN.contains(keyword)) {
			// The "keyword" may well be the rest of a secret that holds a space: do not
			// echo it.
			throw new ConnectionStringException(
					"Unknown keyword at position " + position + " (quote a secret that contains whitespace)", position);
		}
		Keywords.checkKnown(keyword, position);
	}

	private String readKeyword() {
		int start = this.index;
		while (this.index < this.text.length() && this.text.charAt(this.index) != '='
				&& !isWhitespace(this.text.charAt(this.index))) {
			this.index++;
		}
		return this.text.substring(start, this.index);
	}

	private String readBareValue() {
		StringBuilder value = new StringBuilder();
		while (this.index < this.text.length() && !isWhitespace(this.text.charAt(this.index))) {
			char c = this.text.charAt(this.index++);
			if (c == '\\') {
				if (this.index < this.text.length()) {
					value.append(this.text.charAt(this.index++));
				}
			}
			else {
				value.append(c);
			}
		}
		return value.toString();
	}

	private String readQuotedValue() {
		int quoteStart = this.index++;
		StringBuilder value = new StringBuilder();
		while (this.index < this.text.length()) {
			char c = this.text.charAt(this.index++);
			if (c == '\'') {
				return value.toString();
			}
			if (c == '\\') {
				if (this.index == this.text.length()) {
					break;
				}
				c = this.text.charAt(this.index++);
			}
			value.append(c);
		}
		throw new ConnectionStringException("Unterminated quoted value starting at position " + quoteStart, quoteStart);
	}

	/** Skips whitespace and says whether anything is left. */
	private boolean skipWhitespace() {
		while (this.index < this.text.length() && isWhitespace(this.text.charAt(this.index))) {
			this.index++;
		}
		return this.index < this.text.length();
	}

	/** The characters C's {@code isspace} takes, as libpq uses it. */
	static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
	}

}
