package io.github.pgsqlrelation.relation;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated state files, valid and broken: reading accepts or throws a
 * {@link RelationStateException} that names the file and where in it, and neither its
 * message nor its causes ever show a password. Each try carries its own password token in
 * every connection string, so that any echo of it is caught. The number of tries comes
 * from {@code jqwik.tries.default} (the long run raises it).
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
			"raw", "resolved");

	private static final String JSON_SPECIAL = "{}[]:,\"\\ \n\t0123456789.eE+-/tfnul\0é\uD800\uFEFF'";

	@Property
	void validStateFilesAreAccepted(@ForAll("valid") Input input) {
		RelationState state = RelationState.parse(input.text(), SOURCE);
		assertThat(state.relations()).isNotEmpty();
		checkAccepted(state, input.password());
		for (RelationRef relation : state.relations()) {
			EndpointState endpoint = state.endpoint(relation.endpoint(), "myapp");
			assertThat(endpoint.effective().readiness().isReady()).as(input.text()).isTrue();
			assertThat(endpoint.toString()).doesNotContain(input.password());
		}
	}

	@Property
	void stateFilesWithKeysDeletedRenamedOrRetypedAreAcceptedOrRejectedCleanly(@ForAll("restructured") Input input) {
		check(input);
	}

	@Property
	void mutatedStateFileTextIsAcceptedOrRejectedCleanly(@ForAll("mutatedText") Input input) {
		check(input);
	}

	@Property
	void arbitraryJsonIsAcceptedOrRejectedCleanly(@ForAll("arbitraryJson") Input input) {
		check(input);
	}

	@Property
	void arbitraryTextIsAcceptedOrRejectedCleanly(@ForAll("noise") Input input) {
		check(input);
	}

	@Property
	void stateFileBytesMutatedOnDiskAreAcceptedOrRejectedCleanly(@ForAll("valid") Input valid,
			@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> positions,
			@ForAll @Size(min = 4, max = 4) List<Byte> bytes, @ForAll boolean byteOrderMark) throws IOException {
		byte[] content = ((byteOrderMark ? "\uFEFF" : "") + valid.text()).getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < positions.size(); i++) {
			content[positions.get(i) % content.length] = bytes.get(i);
		}
		Path file = stateFile();
		Files.write(file, content);
		try {
			checkAccepted(RelationState.read(file), valid.password());
		}
		catch (RelationStateException ex) {
			checkRejection(ex, valid.password(), file.toString());
		}
	}

	@Example
	void aStateFileTruncatedAtEveryPositionIsRejectedCleanly() {
		String password = "Pw7Truncated42";
		String text = MAPPER.writerWithDefaultPrettyPrinter()
			.writeValueAsString(validState(password, List.of(true, false), 3));
		for (int end = 0; end < text.length(); end++) {
			check(new Input(text.substring(0, end), password));
		}
	}

	@Example
	void deeplyNestedJsonIsRejectedCleanly() {
		for (int depth : new int[] { 10, 999, 1000, 1001, 5000, 100_000 }) {
			String nested = "[".repeat(depth) + "\"password=Pw7Nested\"" + "]".repeat(depth);
			check(new Input("{\"version\": 1, \"relations\": " + nested + "}", "Pw7Nested"));
			check(new Input(nested, "Pw7Nested"));
			check(new Input("{\"a\":".repeat(depth) + "1" + "}".repeat(depth), "Pw7Nested"));
		}
	}

	// One file for all tries, written over each time: creating and deleting one per try
	// would cost more than reading it
	private static synchronized Path stateFile() throws IOException {
		if (stateFile == null) {
			stateFile = Files.createTempFile("state", ".json");
			stateFile.toFile().deleteOnExit();
		}
		return stateFile;
	}

	private static void check(Input input) {
		RelationState state;
		try {
			state = RelationState.parse(input.text(), SOURCE);
		}
		catch (RelationStateException ex) {
			checkRejection(ex, input.password());
			return;
		}
		checkAccepted(state, input.password());
	}

	// Broken input may put the token anywhere, in a database name for example: only what
	// a
	// connection string shows of its secrets is checked
	private static void checkAccepted(RelationState state, String password) {
		assertThat(state.toString()).isNotBlank();
		for (RelationRef relation : state.relations()) {
			for (String database : new String[] { null, "myapp" }) {
				EndpointState endpoint = state.endpoint(relation.endpoint(), database);
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
		assertThat(ex.getMessage()).isNotBlank()
			.startsWith(source + ": ")
			.matches("(?s)" + Pattern.quote(source)
					+ ": (is empty.*|is not valid UTF-8|.*line \\d+, column \\d+.*|[^ ]+: .*)");
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			assertThat(cause.toString()).doesNotContain(password);
			assertThat(String.valueOf(cause.getMessage())).doesNotContain(password);
			for (Throwable suppressed : cause.getSuppressed()) {
				assertThat(suppressed.toString()).doesNotContain(password);
			}
		}
	}

	@Provide
	Arbitrary<Input> valid() {
		return Combinators
			.combine(passwords(), Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(3),
					Arbitraries.integers().between(0, 3))
			.as((password, shapes, standbys) -> new Input(write(validState(password, shapes, standbys)), password));
	}

	@Provide
	Arbitrary<Input> restructured() {
		Arbitrary<TreeMutation> mutation = Combinators
			.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().greaterOrEqual(0), json(2),
					Arbitraries.oneOf(Arbitraries.of(KEYS), Arbitraries.strings().ofMaxLength(4)))
			.as(TreeMutation::new);
		return Combinators.combine(valid(), mutation.list().ofMinSize(1).ofMaxSize(4)).as((valid, mutations) -> {
			JsonNode tree = MAPPER.readTree(valid.text());
			for (TreeMutation each : mutations) {
				tree = each.apply(tree);
			}
			return new Input(write(tree), valid.password());
		});
	}

	@Provide
	Arbitrary<Input> mutatedText() {
		Arbitrary<TextMutation> mutation = Combinators
			.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().greaterOrEqual(0),
					Arbitraries.integers().between(1, 40), Arbitraries.chars().with(JSON_SPECIAL.toCharArray()))
			.as(TextMutation::new);
		return Combinators.combine(valid(), mutation.list().ofMinSize(1).ofMaxSize(4))
			.as((valid, mutations) -> new Input(TextMutation.applyAll(valid.text(), mutations), valid.password()));
	}

	@Provide
	Arbitrary<Input> arbitraryJson() {
		Arbitrary<JsonNode> relation = json(3).map((node) -> (node.isObject()) ? withShape((ObjectNode) node) : node);
		Arbitrary<JsonNode> state = Combinators
			.combine(json(1), relation.list().ofMaxSize(3), Arbitraries.of(true, false))
			.as((version, relations, supported) -> {
				ObjectNode root = NODES.objectNode();
				root.set("version", supported ? NODES.numberNode(BigInteger.ONE) : version);
				ArrayNode array = root.putArray("relations");
				relations.forEach(array::add);
				return root;
			});
		return Combinators.combine(Arbitraries.oneOf(json(4), state), passwords())
			.as((node, password) -> new Input(write(node).replace("PASSWORD", password), password));
	}

	@Provide
	Arbitrary<Input> noise() {
		Arbitrary<String> pieces = Arbitraries.oneOf(
				Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\"version\"", "1", "\"relations\"", "\"shape\"",
						"\"raw\"", "\"resolved\"", "\"master\"", "\"standbys\"", "\"relation-id\"",
						"\"master\": \"password=PASSWORD\"", "\"password=PASSWORD", "PASSWORD", "'PASSWORD'", "null",
						"true", "1e400", "-0", "99999999999999999999", "\"\\u0000\"", "\"\\ud800\"", "\\", "\\u", " ",
						"\n", "é", "'", "/*", "//", "#", "\0", "\uFEFF", "NaN", "Infinity"),
				Arbitraries.strings().withChars(JSON_SPECIAL).ofMaxLength(3),
				Arbitraries.strings().all().ofMaxLength(2));
		return Combinators.combine(pieces.list().ofMaxSize(40), passwords())
			.as((list, password) -> new Input(String.join("", list).replace("PASSWORD", password), password));
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

	private static Arbitrary<JsonNode> json(int depth) {
		Arbitrary<JsonNode> leaves = Arbitraries
			.oneOf(Arbitraries.just(NODES.nullNode()), Arbitraries.of(true, false).map(NODES::booleanNode),
					Arbitraries.bigIntegers()
						.between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
						.map(NODES::numberNode),
					Arbitraries
						.of("1", "0", "-1", "2", "2147483648", "-2147483649", "1e400", "1.5", "-0", "1E+2",
								"9".repeat(1200))
						.map((number) -> NODES.numberNode(new BigDecimal(number))),
					Arbitraries
						.of("", "raw", "resolved", "db", "postgresql/0", "10.0.0.1/32", "myapp",
								"dbname=myapp host=h password=PASSWORD", "postgresql://u:PASSWORD@h/myapp",
								"host=h password='PASSWORD", "password=PASSWORD\npassword=PASSWORD")
						.map(NODES::stringNode),
					Arbitraries.strings().ofMaxLength(6).map(NODES::stringNode));
		if (depth == 0) {
			return leaves;
		}
		Arbitrary<JsonNode> inner = json(depth - 1);
		Arbitrary<JsonNode> arrays = inner.list().ofMaxSize(3).map((items) -> {
			ArrayNode array = NODES.arrayNode();
			items.forEach(array::add);
			return array;
		});
		Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(KEYS), Arbitraries.strings().ofMaxLength(4));
		Arbitrary<JsonNode> objects = Combinators.combine(keys, inner)
			.as(Tuple::of)
			.list()
			.ofMaxSize(4)
			.map((entries) -> {
				ObjectNode object = NODES.objectNode();
				entries.forEach((entry) -> object.set(entry.get1(), entry.get2()));
				return object;
			});
		return Arbitraries.frequencyOf(Tuple.of(3, leaves), Tuple.of(1, arrays), Tuple.of(2, objects));
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
		return root;
	}

	private static String write(JsonNode node) {
		return MAPPER.writeValueAsString(node);
	}

	/** A text to read and the password it may hold. */
	record Input(String text, String password) {

	}

	/** One of: delete, rename, retype, null or wrap in an array the value in a slot. */
	record TreeMutation(int kind, int selector, JsonNode replacement, String name) {

		JsonNode apply(JsonNode root) {
			List<Tuple.Tuple2<JsonNode, Object>> slots = new ArrayList<>();
			collect(root, slots);
			if (slots.isEmpty()) {
				return this.replacement;
			}
			Tuple.Tuple2<JsonNode, Object> slot = slots.get(this.selector % slots.size());
			if (slot.get1() instanceof ObjectNode object && slot.get2() instanceof String key) {
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
			else if (slot.get1() instanceof ArrayNode array && slot.get2() instanceof Integer index) {
				switch (this.kind) {
					case 0, 1 -> array.remove(index);
					case 2 -> array.set(index, this.replacement);
					case 3 -> array.set(index, NODES.nullNode());
					default -> array.set(index, NODES.arrayNode().add(array.get(index)));
				}
			}
			return root;
		}

		private static void collect(JsonNode node, List<Tuple.Tuple2<JsonNode, Object>> slots) {
			if (node instanceof ObjectNode object) {
				for (String name : List.copyOf(object.propertyNames())) {
					slots.add(Tuple.of(object, name));
					collect(object.get(name), slots);
				}
			}
			else if (node instanceof ArrayNode array) {
				for (int i = 0; i < array.size(); i++) {
					slots.add(Tuple.of(array, i));
					collect(array.get(i), slots);
				}
			}
		}

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
