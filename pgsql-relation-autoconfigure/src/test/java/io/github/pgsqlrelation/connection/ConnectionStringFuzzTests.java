package io.github.pgsqlrelation.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated connection strings, valid and broken: parsing accepts or throws a
 * {@link ConnectionStringException} that says where and never shows the password, and
 * whatever is accepted survives a round trip through both forms. Each try carries its own
 * password token, so that any echo of it is caught. The number of tries comes from
 * {@code jqwik.tries.default} (the long run raises it).
 */
@Tag("fuzz")
class ConnectionStringFuzzTests {

	private static final String SPECIAL = "'\\=%@:/?&[], \t\n\r\u000b\f\0\"#+;é€\u00a0\u2028\uD83D\uDE00";

	private static final String VALUE_CHARACTERS = "'\\=%@:/?&[], \t\n\r\u000b\f\"#+;é€\u00a0\u2028";

	private static final List<String> KEYWORDS = List.of("host", "hostaddr", "port", "dbname", "user", "password",
			"sslmode", "options", "application_name", "connect_timeout", "sslpassword", "target_session_attrs");

	@Property
	void arbitraryTextIsAcceptedOrRejectedCleanly(@ForAll("noise") Input input) {
		check(input);
	}

	@Property
	void mutatedValidConnectionStringsAreAcceptedOrRejectedCleanly(@ForAll("mutated") Input input) {
		check(input);
	}

	@Property
	void validConnectionStringsAreAcceptedAndRoundTrip(@ForAll("valid") Valid valid) {
		ConnectionString parsed = ConnectionString.parse(valid.text());
		assertThat(parsed.keywords()).as(valid.text()).isEqualTo(valid.keywords());
		checkAccepted(parsed, valid.password());
	}

	private static void check(Input input) {
		ConnectionString parsed;
		try {
			parsed = ConnectionString.parse(input.text());
		}
		catch (ConnectionStringException ex) {
			checkRejection(ex, input.password());
			return;
		}
		checkAccepted(parsed, input.password());
	}

	private static void checkAccepted(ConnectionString parsed, String password) {
		boolean shownElsewhere = parsed.keywords()
			.entrySet()
			.stream()
			.anyMatch((entry) -> !Keywords.isSecret(entry.getKey()) && entry.getValue().contains(password));
		if (!shownElsewhere) {
			assertThat(parsed.toString()).doesNotContain(password);
		}
		// Compared as maps, so that a failure shows the difference
		assertThat(ConnectionString.parse(parsed.toKeywordValueString()).keywords()).as(parsed.toKeywordValueString())
			.isEqualTo(parsed.keywords());
		assertThat(ConnectionString.parse(parsed.toUri()).keywords()).as(parsed.toUri()).isEqualTo(parsed.keywords());
		assertThat(ConnectionString.parse(parsed.toUri())).isEqualTo(parsed);
		assertThat(ConnectionString.of(parsed.keywords())).isEqualTo(parsed);
		try {
			parsed.hosts();
			JdbcConnection jdbc = parsed.toJdbc();
			checkUrl(jdbc.url(), HostList.connected(parsed.keywords()),
					parsed.keywords().getOrDefault("dbname", parsed.keywords().getOrDefault("user", "")));
			if (!shownElsewhere) {
				assertThat(jdbc.toString()).doesNotContain(password);
				assertThat(jdbc.url()).doesNotContain(password);
			}
		}
		catch (ConnectionStringException ex) {
			// Not a syntax error: a host or a value the driver cannot take, which is
			// named
			assertThat(ex.getMessage()).isNotBlank();
			assertThat(ex.getCause()).isNull();
			if (!shownElsewhere) {
				assertThat(ex.getMessage()).doesNotContain(password);
			}
		}
	}

	// The driver reads back the hosts, ports and database that were meant, and nothing
	// else
	private static void checkUrl(String url, List<ConnectionString.Host> hosts, String dbname) {
		Properties properties = Driver.parseURL(url, new Properties());
		assertThat(properties).as(url).isNotNull();
		assertThat(properties.stringPropertyNames()).as(url)
			.isSubsetOf(PGProperty.PG_HOST.getName(), PGProperty.PG_PORT.getName(), PGProperty.PG_DBNAME.getName());
		// pgjdbc keeps the brackets of an IPv6 address
		assertThat(properties.getProperty(PGProperty.PG_HOST.getName())).as(url)
			.isEqualTo(hosts.stream()
				.map((host) -> (host.name().contains(":")) ? "[" + host.name() + "]" : host.name())
				.collect(Collectors.joining(",")));
		assertThat(properties.getProperty(PGProperty.PG_PORT.getName())).as(url)
			.isEqualTo(hosts.stream().map((host) -> String.valueOf(host.port())).collect(Collectors.joining(",")));
		assertThat(properties.getProperty(PGProperty.PG_DBNAME.getName(), "")).as(url).isEqualTo(dbname);
	}

	private static void checkRejection(ConnectionStringException ex, String password) {
		assertThat(ex.getMessage()).isNotBlank().doesNotContain(password);
		assertThat(ex.getCause()).isNull();
		assertThat(ex.getPosition()).as(ex.getMessage()).isNotNegative();
		assertThat(ex.getMessage()).contains("position " + ex.getPosition());
	}

	@Provide
	Arbitrary<Input> noise() {
		Arbitrary<String> pieces = Arbitraries.oneOf(Arbitraries.of(KEYWORDS),
				Arbitraries.of("postgresql://", "postgres://", "=", "'", "\\", "%", "%2", "%41", "%00", "%zz", "%C3%A9",
						"%FF", "@", ":", "/", "?", "&", "[", "]", "[::1]", ",", " ", "\t", "\n", "\0", "é", "\uD83D",
						"\uDE00", "5432", "65536", "0", "ssl=true", "unknown", "?port=", "&port=", "?host=", "%35",
						"host=a/b", "%70ort="),
				Arbitraries.strings().withChars(SPECIAL).ofMaxLength(3),
				Arbitraries.strings().alpha().numeric().ofMaxLength(6), Arbitraries.strings().all().ofMaxLength(3),
				Arbitraries.just("\u0001"));
		return Combinators.combine(pieces.list().ofMaxSize(30), passwords(), Arbitraries.integers().between(0, 30))
			.as((list, password, at) -> {
				List<String> withPassword = new ArrayList<>(list);
				String placed = switch (at % 3) {
					case 0 -> "password=" + password;
					case 1 -> ":" + password + "@";
					default -> password;
				};
				withPassword.add(Math.min(at, withPassword.size()), placed);
				return new Input(String.join("", withPassword), password);
			});
	}

	@Provide
	Arbitrary<Input> mutated() {
		Arbitrary<Mutation> mutation = Combinators
			.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().greaterOrEqual(0),
					Arbitraries.integers().between(0, 8), Arbitraries.chars().with(SPECIAL.toCharArray()))
			.as(Mutation::new);
		return Combinators.combine(valid(), mutation.list().ofMinSize(1).ofMaxSize(4))
			.as((valid, mutations) -> new Input(Mutation.applyAll(valid.text(), mutations), valid.password()));
	}

	@Provide
	Arbitrary<Valid> valid() {
		Arbitrary<String> hostName = Arbitraries.oneOf(
				Arbitraries.of("localhost", "db.example.com", "10.0.0.5", "127.0.0.1", "::1", "2001:db8::5",
						"fe80::1%eth0", "::ffff:10.0.0.1"),
				Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("-.").ofMinLength(1).ofMaxLength(12));
		Arbitrary<String> port = Arbitraries.integers().between(1, 65535).map(String::valueOf);
		// Anything libpq can hold: no NUL, no unpaired surrogate
		Arbitrary<String> anything = Arbitraries
			.oneOf(Arbitraries.strings().withChars(VALUE_CHARACTERS).alpha().numeric().ofLength(1),
					Arbitraries.just("\uD83D\uDE00"))
			.list()
			.ofMaxSize(12)
			.map((pieces) -> String.join("", pieces));
		Arbitrary<List<String>> password = Combinators.combine(anything, passwords(), anything)
			.as((before, token, after) -> List.of(before + token + after, token));
		Arbitrary<Map<String, String>> options = Arbitraries
			.maps(Arbitraries.of("sslmode", "options", "application_name", "connect_timeout", "target_session_attrs",
					"keepalives", "sslrootcert"), anything)
			.ofMaxSize(3);
		return Combinators
			.combine(hostName.list().ofMinSize(1).ofMaxSize(3), port.optional(), port.list().ofMaxSize(3),
					anything.filter((value) -> !value.isEmpty()).optional(),
					anything.filter((value) -> !value.isEmpty()).optional(), password, options,
					Arbitraries.of(Form.values()))
			.as((hosts, onePort, ports, dbname, user, secret, extra, form) -> {
				Map<String, String> keywords = new LinkedHashMap<>();
				user.ifPresent((value) -> keywords.put("user", value));
				keywords.put("password", secret.get(0));
				keywords.put("host", String.join(",", hosts));
				if (ports.size() == hosts.size()) {
					keywords.put("port", String.join(",", ports));
				}
				else if (form == Form.KEYWORD_VALUE) {
					onePort.ifPresent((value) -> keywords.put("port", value));
				}
				dbname.ifPresent((value) -> keywords.put("dbname", value));
				keywords.putAll(extra);
				return new Valid(form.render(keywords), keywords, secret.get(1));
			});
	}

	/**
	 * A distinctive token per try: "Pw", a digit, an upper-case letter, then ten more.
	 */
	private static Arbitrary<String> passwords() {
		return Combinators
			.combine(Arbitraries.strings().numeric().ofLength(1),
					Arbitraries.strings().withCharRange('A', 'Z').ofLength(1),
					Arbitraries.strings().alpha().numeric().ofLength(10))
			.as((digit, upper, rest) -> "Pw" + digit + upper + rest);
	}

	/** A text to parse and the password it may hold. */
	record Input(String text, String password) {

	}

	/** A valid connection string, the keywords it holds and its password token. */
	record Valid(String text, Map<String, String> keywords, String password) {

	}

	/** One of: truncate, delete a character, insert, replace, delete a range. */
	record Mutation(int kind, int position, int length, char character) {

		static String applyAll(String text, List<Mutation> mutations) {
			String result = text;
			for (Mutation mutation : mutations) {
				result = mutation.apply(result);
			}
			return result;
		}

		String apply(String text) {
			int at = (text.isEmpty()) ? 0 : this.position % (text.length() + 1);
			int end = Math.min(text.length(), at + Math.max(1, this.length));
			return switch (this.kind) {
				case 0 -> text.substring(0, at);
				case 1 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1));
				case 2 -> text.substring(0, at) + this.character + text.substring(at);
				case 3 -> text.substring(0, at) + this.character + text.substring(Math.min(text.length(), at + 1));
				default -> text.substring(0, at) + text.substring(end);
			};
		}

	}

	/**
	 * Renders keywords the way a user or a charm would write them, independently of the
	 * writers.
	 */
	enum Form {

		KEYWORD_VALUE {

			@Override
			String render(Map<String, String> keywords) {
				StringJoiner result = new StringJoiner(" ");
				keywords.forEach((keyword, value) -> result
					.add(keyword + " = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"));
				return result.toString();
			}

		},

		URI {

			@Override
			String render(Map<String, String> keywords) {
				Map<String, String> rest = new LinkedHashMap<>(keywords);
				StringBuilder uri = new StringBuilder("postgresql://");
				String user = rest.remove("user");
				String password = rest.remove("password");
				uri.append((user != null) ? encode(user) : "").append(":").append(encode(password)).append("@");
				String[] hosts = rest.remove("host").split(",");
				String port = rest.remove("port");
				String[] ports = (port != null) ? port.split(",") : new String[0];
				StringJoiner authority = new StringJoiner(",");
				for (int i = 0; i < hosts.length; i++) {
					String host = (hosts[i].contains(":")) ? "[" + encode(hosts[i]).replace("%3A", ":") + "]"
							: encode(hosts[i]);
					authority.add(host + ((i < ports.length) ? ":" + ports[i] : ""));
				}
				uri.append(authority);
				String dbname = rest.remove("dbname");
				if (dbname != null) {
					uri.append("/").append(encode(dbname));
				}
				StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
				rest.forEach((keyword, value) -> query.add(keyword + "=" + encode(value)));
				return uri.append(query).toString();
			}

			// Every byte but letters and digits, in lower-case hex: the writer's encoding
			// is not the only one read
			private static String encode(String value) {
				StringBuilder result = new StringBuilder();
				for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
					if (Character.isLetterOrDigit(b)) {
						result.append((char) b);
					}
					else {
						result.append(String.format("%%%02x", b & 0xFF));
					}
				}
				return result.toString();
			}

		};

		abstract String render(Map<String, String> keywords);

	}

}
