package io.github.pgsqlrelation.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.fuzz.Fuzzing;
import io.github.pgsqlrelation.fuzz.RandomSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated connection strings, valid and broken: parsing accepts or throws a
 * {@link ConnectionStringException} that says where and never shows the password, and
 * whatever is accepted survives a round trip through both forms. Each input carries its
 * own password token, so that any echo of it is caught. The inputs come from
 * {@link Fuzzing}: their number is {@code pgsql.relation.fuzz.inputs} (the long run
 * raises it) and {@code pgsql.relation.fuzz.seed} reproduces a run.
 */
@Tag("fuzz")
class ConnectionStringFuzzTests {

	private static final String SPECIAL = "'\\=%@:/?&[], \t\n\r\u000b\f\0\"#+;é€\u00a0\u2028\uD83D\uDE00";

	private static final String VALUE_CHARACTERS = "'\\=%@:/?&[], \t\n\r\u000b\f\"#+;é€\u00a0\u2028";

	private static final List<String> KEYWORDS = List.of("host", "hostaddr", "port", "dbname", "user", "password",
			"sslmode", "options", "application_name", "connect_timeout", "sslpassword", "target_session_attrs");

	@Test
	void arbitraryTextIsAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, ConnectionStringFuzzTests::noise, ConnectionStringFuzzTests::check);
	}

	@Test
	void mutatedValidConnectionStringsAreAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, ConnectionStringFuzzTests::mutated, ConnectionStringFuzzTests::check);
	}

	@Test
	void validConnectionStringsAreAcceptedAndRoundTrip(TestInfo test) {
		Fuzzing.forEach(test, ConnectionStringFuzzTests::valid, (valid) -> {
			ConnectionString parsed = ConnectionString.parse(valid.text());
			assertThat(parsed.keywords()).as(valid.text()).isEqualTo(valid.keywords());
			checkAccepted(parsed, valid.password());
		});
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

	private static Input noise(RandomSource random) {
		List<String> pieces = random.list(0, 30, () -> random.oneOf(() -> random.of(KEYWORDS),
				() -> random.of("postgresql://", "postgres://", "=", "'", "\\", "%", "%2", "%41", "%00", "%zz",
						"%C3%A9", "%FF", "@", ":", "/", "?", "&", "[", "]", "[::1]", ",", " ", "\t", "\n", "\0", "é",
						"\uD83D", "\uDE00", "5432", "65536", "0", "ssl=true", "unknown", "?port=", "&port=", "?host=",
						"%35", "host=a/b", "%70ort="),
				() -> random.string(SPECIAL, 0, 3), () -> random.string(RandomSource.ALPHANUMERIC, 0, 6),
				() -> random.anyString(3), () -> "\u0001"));
		String password = password(random);
		int at = random.between(0, 30);
		String placed = switch (at % 3) {
			case 0 -> "password=" + password;
			case 1 -> ":" + password + "@";
			default -> password;
		};
		pieces.add(Math.min(at, pieces.size()), placed);
		return new Input(String.join("", pieces), password);
	}

	private static Input mutated(RandomSource random) {
		Valid valid = valid(random);
		List<Mutation> mutations = random.list(1, 4, () -> new Mutation(random.between(0, 4), random.nonNegative(),
				random.between(0, 8), random.charOf(SPECIAL)));
		return new Input(Mutation.applyAll(valid.text(), mutations), valid.password());
	}

	private static Valid valid(RandomSource random) {
		List<String> hosts = random.list(1, 3,
				() -> random.oneOf(
						() -> random.of("localhost", "db.example.com", "10.0.0.5", "127.0.0.1", "::1", "2001:db8::5",
								"fe80::1%eth0", "::ffff:10.0.0.1"),
						() -> random.string("abcdefghijklmnopqrstuvwxyz0123456789-.", 1, 12)));
		Optional<String> onePort = random.optional(() -> port(random));
		List<String> ports = random.list(0, 3, () -> port(random));
		Optional<String> dbname = random.optional(() -> nonEmpty(random));
		Optional<String> user = random.optional(() -> nonEmpty(random));
		String token = password(random);
		String secret = anything(random) + token + anything(random);
		Map<String, String> extra = new LinkedHashMap<>();
		for (int size = random.between(0, 3); extra.size() < size;) {
			extra.put(random.of("sslmode", "options", "application_name", "connect_timeout", "target_session_attrs",
					"keepalives", "sslrootcert"), anything(random));
		}
		Form form = random.of(Form.values());
		Map<String, String> keywords = new LinkedHashMap<>();
		user.ifPresent((value) -> keywords.put("user", value));
		keywords.put("password", secret);
		keywords.put("host", String.join(",", hosts));
		if (ports.size() == hosts.size()) {
			keywords.put("port", String.join(",", ports));
		}
		else if (form == Form.KEYWORD_VALUE) {
			onePort.ifPresent((value) -> keywords.put("port", value));
		}
		dbname.ifPresent((value) -> keywords.put("dbname", value));
		keywords.putAll(extra);
		return new Valid(form.render(keywords), keywords, token);
	}

	private static String port(RandomSource random) {
		return String.valueOf(random.between(1, 65535));
	}

	// Anything libpq can hold: no NUL, no unpaired surrogate
	private static String anything(RandomSource random) {
		return String.join("", random.list(0, 12, () -> random
			.oneOf(() -> random.string(VALUE_CHARACTERS + RandomSource.ALPHANUMERIC, 1, 1), () -> "\uD83D\uDE00")));
	}

	private static String nonEmpty(RandomSource random) {
		String value = anything(random);
		while (value.isEmpty()) {
			value = anything(random);
		}
		return value;
	}

	/**
	 * A distinctive token per input: "Pw", a digit, an upper-case letter, then ten more.
	 */
	private static String password(RandomSource random) {
		return "Pw" + random.string("0123456789", 1, 1) + random.string("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1, 1)
				+ random.string(RandomSource.ALPHANUMERIC, 10, 10);
	}

	/** A text to parse and the password it may hold. */
	record Input(String text, String password) implements Fuzzing.Input {

	}

	/** A valid connection string, the keywords it holds and its password token. */
	record Valid(String text, Map<String, String> keywords, String password) implements Fuzzing.Input {

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
