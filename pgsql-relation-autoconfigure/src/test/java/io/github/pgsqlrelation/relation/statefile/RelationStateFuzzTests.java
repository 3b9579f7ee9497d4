package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.RelationStateException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.fuzz.Fuzzing;
import io.github.pgsqlrelation.fuzz.RandomSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated state files, valid and broken: reading accepts or throws a
 * {@link RelationStateException} that names the file and where in it, and neither its
 * message nor its causes ever show a password. Each input carries its own password token
 * in every connection string, so that any echo of it is caught. The inputs come from
 * {@link Fuzzing}: their number is {@code pgsql.relation.fuzz.inputs} (the long run
 * raises it) and {@code pgsql.relation.fuzz.seed} reproduces a run.
 */
@Tag("fuzz")
class RelationStateFuzzTests {

	private static final String SOURCE = "state.json";

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static @Nullable Path stateFile;

	private static final List<String> KEYS = List.of("version", "relations", "shape", "endpoint", "relation-id",
			"remote-app", "local-unit", "local-unit-data", "requested", "remote-app-data", "remote-units-data",
			"master", "standbys", "database", "allowed-units", "allowed-subnets", "egress-subnets", "postgresql/0",
			"raw", "resolved", "interface", "postgresql_client", "secrets", "secret-user", "endpoints",
			"read-only-endpoints", "uris", "username", "password", "tls", "tls-ca");

	private static final String JSON_SPECIAL = "{}[]:,\"\\ \n\t0123456789.eE+-/tfnul\0é\uD800\uFEFF'";

	@Test
	void validStateFilesAreAccepted(TestInfo test) {
		Fuzzing.forEach(test, RelationStateFuzzTests::valid, (input) -> {
			StateFile state = StateFile.parse(input.text(), SOURCE);
			assertThat(state.relations()).isNotEmpty();
			checkAccepted(state, input.password());
			for (RelationRef relation : state.relations()) {
				EndpointRelations endpoint = state.endpoint(relation.endpoint(), "myapp");
				assertThat(endpoint.effective().readiness().isReady()).as(input.text()).isTrue();
				assertThat(endpoint.toString()).doesNotContain(input.password());
			}
		});
	}

	@Test
	void stateFilesWithKeysDeletedRenamedOrRetypedAreAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, RelationStateFuzzTests::restructured, RelationStateFuzzTests::check);
	}

	@Test
	void mutatedStateFileTextIsAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, RelationStateFuzzTests::mutatedText, RelationStateFuzzTests::check);
	}

	@Test
	void arbitraryJsonIsAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, RelationStateFuzzTests::arbitraryJson, RelationStateFuzzTests::check);
	}

	@Test
	void arbitraryTextIsAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, RelationStateFuzzTests::noise, RelationStateFuzzTests::check);
	}

	@Test
	void stateFileBytesMutatedOnDiskAreAcceptedOrRejectedCleanly(TestInfo test) {
		Fuzzing.forEach(test, RelationStateFuzzTests::mutatedBytes, (input) -> {
			Path file = stateFile();
			Files.write(file, input.content());
			try {
				checkAccepted(StateFile.read(file), input.password());
			}
			catch (RelationStateException ex) {
				checkRejection(ex, input.password(), file.toString());
			}
		});
	}

	@Test
	void aStateFileTruncatedAtEveryPositionIsRejectedCleanly() {
		String password = "Pw7Truncated42";
		String text = MAPPER.writerWithDefaultPrettyPrinter()
			.writeValueAsString(validState(password, List.of(true, false), 3));
		for (int end = 0; end < text.length(); end++) {
			Fuzzing.example("Truncated at position " + end, new Input(text.substring(0, end), password),
					RelationStateFuzzTests::check);
		}
	}

	@Test
	void deeplyNestedJsonIsRejectedCleanly() {
		for (int depth : new int[] { 10, 999, 1000, 1001, 5000, 100_000 }) {
			String nested = "[".repeat(depth) + "\"password=Pw7Nested\"" + "]".repeat(depth);
			String description = "Nested " + depth + " deep";
			Fuzzing.example(description, new Input("{\"version\": 1, \"relations\": " + nested + "}", "Pw7Nested"),
					RelationStateFuzzTests::check);
			Fuzzing.example(description, new Input(nested, "Pw7Nested"), RelationStateFuzzTests::check);
			Fuzzing.example(description, new Input("{\"a\":".repeat(depth) + "1" + "}".repeat(depth), "Pw7Nested"),
					RelationStateFuzzTests::check);
		}
	}

	// One file written over for every input: creating and deleting one per input
	// would cost more than reading it
	private static synchronized Path stateFile() throws IOException {
		if (stateFile == null) {
			stateFile = Files.createTempFile("state", ".json");
			stateFile.toFile().deleteOnExit();
		}
		return stateFile;
	}

	private static void check(Input input) {
		StateFile state;
		try {
			state = StateFile.parse(input.text(), SOURCE);
		}
		catch (RelationStateException ex) {
			checkRejection(ex, input.password());
			return;
		}
		checkAccepted(state, input.password());
	}

	// Broken input may put the token anywhere, in a database name for example: only what
	// a connection string shows of its secrets is checked
	private static void checkAccepted(StateFile state, String password) {
		assertThat(state.toString()).isNotBlank();
		for (RelationRef relation : state.relations()) {
			for (String database : new String[] { null, "myapp" }) {
				EndpointRelations endpoint = state.endpoint(relation.endpoint(), database);
				assertThat(endpoint.toString()).isNotBlank();
				for (RelationSnapshot snapshot : endpoint.relations()) {
					List<ConnectionString> connectionStrings = new ArrayList<>(snapshot.standbys());
					if (snapshot.master() != null) {
						connectionStrings.add(snapshot.master());
					}
					for (ConnectionString connectionString : connectionStrings) {
						boolean shownElsewhere = connectionString.keywords()
							.entrySet()
							.stream()
							.anyMatch((entry) -> !entry.getKey().contains("password")
									&& entry.getValue().contains(password));
						if (!shownElsewhere) {
							assertThat(connectionString.toString()).doesNotContain(password);
						}
					}
				}
			}
		}
	}

	private static void checkRejection(RelationStateException ex, String password) {
		checkRejection(ex, password, SOURCE);
	}

	private static void checkRejection(RelationStateException ex, String password, String source) {
		// The content's problems name the key path or position; the loader's (bytes that
		// are not UTF-8) the byte offset.
		assertThat(ex.getMessage()).isNotBlank()
			.matches("(?s)" + Pattern.quote(source) + ": (is empty.*|.*line \\d+, column \\d+.*|[^ ]+: .*)"
					+ "|Relation state file " + Pattern.quote(source) + " is not valid UTF-8 \\(byte offset \\d+\\)");
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			assertThat(cause.toString()).doesNotContain(password);
			assertThat(String.valueOf(cause.getMessage())).doesNotContain(password);
			for (Throwable suppressed : cause.getSuppressed()) {
				assertThat(suppressed.toString()).doesNotContain(password);
			}
		}
	}

	private static Input valid(RandomSource random) {
		String password = password(random);
		List<Boolean> shapes = random.list(1, 3, random::bool);
		return new Input(write(validState(password, shapes, random.between(0, 3))), password);
	}

	private static Input restructured(RandomSource random) {
		Input valid = valid(random);
		List<TreeMutation> mutations = random.list(1, 4, () -> new TreeMutation(random.between(0, 4),
				random.nonNegative(), json(random, 2), random.oneOf(() -> random.of(KEYS), () -> random.anyString(4))));
		JsonNode tree = MAPPER.readTree(valid.text());
		for (TreeMutation each : mutations) {
			tree = each.apply(tree);
		}
		return new Input(write(tree), valid.password());
	}

	private static Input mutatedText(RandomSource random) {
		Input valid = valid(random);
		List<TextMutation> mutations = random.list(1, 4, () -> new TextMutation(random.between(0, 4),
				random.nonNegative(), random.between(1, 40), random.charOf(JSON_SPECIAL)));
		return new Input(TextMutation.applyAll(valid.text(), mutations), valid.password());
	}

	private static Input arbitraryJson(RandomSource random) {
		JsonNode node = random.oneOf(() -> json(random, 4), () -> {
			ObjectNode root = NODES.objectNode();
			JsonNode version = json(random, 1);
			root.set("version", random.bool() ? NODES.numberNode(BigInteger.ONE) : version);
			ArrayNode relations = root.putArray("relations");
			random.list(0, 3, () -> json(random, 3))
				.forEach((relation) -> relations
					.add((relation.isObject()) ? withShape((ObjectNode) relation) : relation));
			return root;
		});
		String password = password(random);
		return new Input(write(node).replace("PASSWORD", password), password);
	}

	private static Input noise(RandomSource random) {
		List<String> pieces = random.list(0, 40,
				() -> random.oneOf(
						() -> random.of("{", "}", "[", "]", ":", ",", "\"", "\"version\"", "1", "\"relations\"",
								"\"shape\"", "\"raw\"", "\"resolved\"", "\"master\"", "\"standbys\"", "\"relation-id\"",
								"\"master\": \"password=PASSWORD\"", "\"password=PASSWORD", "PASSWORD", "'PASSWORD'",
								"null", "true", "1e400", "-0", "99999999999999999999", "\"\\u0000\"", "\"\\ud800\"",
								"\\", "\\u", " ", "\n", "é", "'", "/*", "//", "#", "\0", "\uFEFF", "NaN", "Infinity"),
						() -> random.string(JSON_SPECIAL, 0, 3), () -> random.anyString(2)));
		String password = password(random);
		return new Input(String.join("", pieces).replace("PASSWORD", password), password);
	}

	private static Bytes mutatedBytes(RandomSource random) {
		Input valid = valid(random);
		byte[] content = ((random.bool() ? "\uFEFF" : "") + valid.text()).getBytes(StandardCharsets.UTF_8);
		for (int i = random.between(1, 4); i > 0; i--) {
			content[random.between(0, 100_000) % content.length] = random.anyByte();
		}
		return new Bytes(content, valid.password());
	}

	/**
	 * A distinctive token per input: "Pw", a digit, an upper-case letter, then ten more.
	 */
	private static String password(RandomSource random) {
		return "Pw" + random.string("0123456789", 1, 1) + random.string("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1, 1)
				+ random.string(RandomSource.ALPHANUMERIC, 10, 10);
	}

	private static JsonNode json(RandomSource random, int depth) {
		int kind = (depth == 0) ? 1 : random.between(1, 6);
		if (kind <= 3) {
			return random.oneOf(NODES::nullNode, () -> NODES.booleanNode(random.bool()),
					() -> NODES.numberNode(random.bigInteger(BigInteger.TEN.pow(30))),
					() -> NODES.numberNode(new BigDecimal(random.of("1", "0", "-1", "2", "2147483648", "-2147483649",
							"1e400", "1.5", "-0", "1E+2", "9".repeat(1200)))),
					() -> NODES.stringNode(random.of("", "raw", "resolved", "db", "postgresql/0", "10.0.0.1/32",
							"myapp", "dbname=myapp host=h password=PASSWORD", "postgresql://u:PASSWORD@h/myapp",
							"host=h password='PASSWORD", "password=PASSWORD\npassword=PASSWORD")),
					() -> NODES.stringNode(random.anyString(6)));
		}
		if (kind == 4) {
			ArrayNode array = NODES.arrayNode();
			random.list(0, 3, () -> json(random, depth - 1)).forEach(array::add);
			return array;
		}
		ObjectNode object = NODES.objectNode();
		for (int entries = random.between(0, 4); entries > 0; entries--) {
			object.set(random.oneOf(() -> random.of(KEYS), () -> random.anyString(4)), json(random, depth - 1));
		}
		return object;
	}

	private static JsonNode withShape(ObjectNode relation) {
		if (!relation.has("shape")) {
			relation.put("shape", (relation.size() % 2 == 0) ? "raw" : "resolved");
		}
		return relation;
	}

	private static ObjectNode validState(String password, List<Boolean> shapes, int standbys) {
		ObjectNode root = NODES.objectNode();
		root.put("version", 1);
		ArrayNode relations = root.putArray("relations");
		for (int i = 0; i < shapes.size(); i++) {
			ObjectNode relation = relations.addObject();
			relation.put("endpoint", (i == 0) ? "db" : "db" + i);
			relation.put("relation-id", 10 + i);
			relation.put("remote-app", "postgresql");
			List<String> standbyStrings = new ArrayList<>();
			for (int s = 0; s < standbys; s++) {
				standbyStrings.add((s % 2 == 0) ? "dbname=myapp host=10.0.0." + (s + 6) + " password=" + password
						: "postgresql://relation-10:" + password + "@[2001:db8::" + s + "]:5432/myapp");
			}
			String master = "dbname=myapp host=10.0.0.5 port=5432 user=relation-10 password='" + password + "'";
			if (shapes.get(i)) {
				relation.put("shape", "raw");
				relation.put("local-unit", "myapp/0");
				relation.putObject("local-unit-data").put("egress-subnets", "10.0.0.1/32");
				relation.putObject("requested").put("database", "myapp");
				relation.putObject("remote-app-data");
				ObjectNode units = relation.putObject("remote-units-data");
				ObjectNode unit = units.putObject("postgresql/0");
				unit.put("master", master);
				unit.put("standbys", String.join("\n", standbyStrings));
				unit.put("database", "myapp");
				unit.put("allowed-units", "myapp/0");
				unit.put("allowed-subnets", "10.0.0.1/32");
				units.putObject("postgresql/1").put("egress-subnets", "10.0.0.6/32");
			}
			else {
				relation.put("shape", "resolved");
				relation.put("master", master);
				ArrayNode array = relation.putArray("standbys");
				standbyStrings.forEach(array::add);
				relation.put("database", "myapp");
				relation.put("version", "16.4");
			}
		}
		relations.add(postgresqlClient(password, standbys));
		return root;
	}

	/**
	 * A {@code postgresql_client} relation as a machine charm publishes it, the password
	 * in the resolved secret and its URIs.
	 */
	private static ObjectNode postgresqlClient(String password, int replicas) {
		ObjectNode relation = NODES.objectNode();
		relation.put("interface", "postgresql_client");
		relation.put("endpoint", "database");
		relation.put("relation-id", 20);
		relation.put("remote-app", "postgresql");
		relation.putObject("requested").put("database", "myapp");
		ObjectNode bag = relation.putObject("remote-app-data");
		bag.put("database", "myapp");
		bag.put("endpoints", "10.0.0.5:5432");
		List<String> readOnly = new ArrayList<>();
		for (int r = 0; r < replicas; r++) {
			readOnly.add((r % 2 == 0) ? "10.0.0." + (r + 6) + ":5432" : "[2001:db8::" + r + "]:5432");
		}
		bag.put("read-only-endpoints", readOnly.isEmpty() ? "10.0.0.5:5432" : String.join(",", readOnly));
		bag.put("secret-user", "secret://4b1c/d0d1a");
		ObjectNode user = relation.putObject("secrets").putObject("secret-user");
		user.put("username", "relation-20");
		user.put("password", password);
		user.put("uris", "postgresql://relation-20:" + password + "@10.0.0.5:5432/myapp");
		return relation;
	}

	private static String write(JsonNode node) {
		return MAPPER.writeValueAsString(node);
	}

	/** A text to read and the password it may hold. */
	record Input(String text, String password) implements Fuzzing.Input {

	}

	/** The bytes of a state file on disk and the password it may hold. */
	record Bytes(byte[] content, String password) implements Fuzzing.Input {

		@Override
		public String text() {
			return new String(this.content, StandardCharsets.UTF_8);
		}

	}

	/** One of: delete, rename, retype, null or wrap in an array the value in a slot. */
	record TreeMutation(int kind, int selector, JsonNode replacement, String name) {

		JsonNode apply(JsonNode root) {
			List<Slot> slots = new ArrayList<>();
			collect(root, slots);
			if (slots.isEmpty()) {
				return this.replacement;
			}
			Slot slot = slots.get(this.selector % slots.size());
			if (slot.parent() instanceof ObjectNode object && slot.key() instanceof String key) {
				JsonNode value = object.remove(key);
				switch (this.kind) {
					case 0 -> {
					}
					case 1 -> object.set(this.name, value);
					case 2 -> object.set(key, this.replacement);
					case 3 -> object.set(key, NODES.nullNode());
					default -> object.set(key, NODES.arrayNode().add(value));
				}
			}
			else if (slot.parent() instanceof ArrayNode array && slot.key() instanceof Integer index) {
				switch (this.kind) {
					case 0, 1 -> array.remove(index);
					case 2 -> array.set(index, this.replacement);
					case 3 -> array.set(index, NODES.nullNode());
					default -> array.set(index, NODES.arrayNode().add(array.get(index)));
				}
			}
			return root;
		}

		private static void collect(JsonNode node, List<Slot> slots) {
			if (node instanceof ObjectNode object) {
				for (String name : List.copyOf(object.propertyNames())) {
					slots.add(new Slot(object, name));
					collect(object.get(name), slots);
				}
			}
			else if (node instanceof ArrayNode array) {
				for (int i = 0; i < array.size(); i++) {
					slots.add(new Slot(array, i));
					collect(array.get(i), slots);
				}
			}
		}

	}

	/** A place in a JSON tree: a key of an object or an index of an array. */
	record Slot(JsonNode parent, Object key) {

	}

	/** One of: truncate, delete a character, insert, replace, delete a range. */
	record TextMutation(int kind, int position, int length, char character) {

		static String applyAll(String text, List<TextMutation> mutations) {
			String result = text;
			for (TextMutation mutation : mutations) {
				result = mutation.apply(result);
			}
			return result;
		}

		String apply(String text) {
			int at = this.position % (text.length() + 1);
			int next = Math.min(text.length(), at + 1);
			return switch (this.kind) {
				case 0 -> text.substring(0, at);
				case 1 -> text.substring(0, at) + text.substring(next);
				case 2 -> text.substring(0, at) + this.character + text.substring(at);
				case 3 -> text.substring(0, at) + this.character + text.substring(next);
				default -> text.substring(0, at) + text.substring(Math.min(text.length(), at + this.length));
			};
		}

	}

}
