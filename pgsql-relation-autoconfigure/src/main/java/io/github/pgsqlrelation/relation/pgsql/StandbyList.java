package io.github.pgsqlrelation.relation.pgsql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.connection.ConnectionString;

/**
 * Splits the {@code standbys} value of a bag into connection strings and puts them in
 * canonical order.
 * <p>
 * The protocol puts one connection string per line; Canonical's postgresql charm joins
 * them with commas instead. A comma also occurs inside connection strings (a quoted
 * value, a host list such as {@code host=h1,h2} or {@code postgresql://h1,h2/db}), so a
 * comma separates two connection strings only where libpq would not read it as part of a
 * value: outside quotes, and followed by what starts a connection string
 * ({@code keyword=} or {@code postgresql://}).
 */
final class StandbyList {

	private static final Pattern NEXT_CONNECTION_STRING = Pattern
		.compile("[ \\t]*(?:postgres(?:ql)?://|[A-Za-z_][A-Za-z0-9_]*[ \\t]*=)");

	private static final Pattern URI_START = Pattern.compile("[ \\t]*postgres(?:ql)?://");

	private StandbyList() {
	}

	/**
	 * Returns the connection strings of a {@code standbys} value, as text, in published
	 * order.
	 */
	static List<String> split(String value) {
		List<String> result = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		State state = startState(value, 0);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (state == State.QUOTED) {
				current.append(c);
				if (c == '\\' && i + 1 < value.length()) {
					current.append(value.charAt(++i));
				}
				else if (c == '\'') {
					state = State.BETWEEN;
				}
				continue;
			}
			if (c == '\n' || c == '\r' || (c == ',' && startsConnectionString(value, i + 1))) {
				add(result, current);
				state = startState(value, i + 1);
				continue;
			}
			current.append(c);
			state = next(state, c);
			if (state == State.UNQUOTED && c == '\\' && i + 1 < value.length()) {
				current.append(value.charAt(++i));
			}
		}
		add(result, current);
		return result;
	}

	/**
	 * Returns the connection strings without duplicates, sorted by their keyword=value
	 * form with keywords in alphabetical order, so that neither the order of the standbys
	 * nor the order of keywords within one makes a difference.
	 */
	static List<ConnectionString> canonical(Collection<ConnectionString> standbys) {
		Map<String, ConnectionString> byText = new TreeMap<>();
		for (ConnectionString standby : standbys) {
			byText.putIfAbsent(ConnectionString.of(new TreeMap<>(standby.keywords())).toKeywordValueString(), standby);
		}
		return List.copyOf(byText.values());
	}

	private static State next(State state, char c) {
		boolean space = Character.isWhitespace(c);
		return switch (state) {
			case URI, QUOTED -> state;
			case BETWEEN -> space ? State.BETWEEN : State.KEYWORD;
			case KEYWORD -> (c == '=') ? State.BEFORE_VALUE : State.KEYWORD;
			case BEFORE_VALUE -> space ? State.BEFORE_VALUE : (c == '\'') ? State.QUOTED : State.UNQUOTED;
			case UNQUOTED -> space ? State.BETWEEN : State.UNQUOTED;
		};
	}

	private static State startState(String value, int from) {
		return URI_START.matcher(value).region(from, value.length()).lookingAt() ? State.URI : State.BETWEEN;
	}

	private static boolean startsConnectionString(String value, int from) {
		return NEXT_CONNECTION_STRING.matcher(value).region(from, value.length()).lookingAt();
	}

	private static void add(List<String> result, StringBuilder current) {
		String text = current.toString().strip();
		if (!text.isEmpty()) {
			result.add(text);
		}
		current.setLength(0);
	}

	private enum State {

		/** Between keyword=value pairs, or before the first. */
		BETWEEN,

		/** In a keyword. */
		KEYWORD,

		/** After {@code =}, before the value. */
		BEFORE_VALUE,

		/** In an unquoted value, which ends at whitespace. */
		UNQUOTED,

		/** In a single-quoted value. */
		QUOTED,

		/** In a URI, which has no quoting. */
		URI

	}

}
