package io.github.pgsqlrelation.relation.statefile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.relation.EntryFields;
import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationEntryReader;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationStateException;
import io.github.pgsqlrelation.relation.pgsql.PgsqlEntryReader;
import io.github.pgsqlrelation.relation.postgresqlclient.PostgresqlClientEntryReader;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the envelope of a relation state file (its version and {@code relations} array),
 * checking it against the contract ({@code docs/relation-state.md}), and hands each entry
 * to the reader of the Juju interface it names ({@code pgsql} when it names none). Every
 * error names the source, the key path and, where the key exists, its line and column;
 * values are never quoted, since they may hold passwords.
 */
final class StateFileReader implements EntryFields {

	static final int SUPPORTED_VERSION = 1;

	static final List<String> REQUIRED = List.of("version", "relations");

	static final List<String> RELATION_REQUIRED = List.of("endpoint", "relation-id", "remote-app");

	/**
	 * The interface of an entry that names none, as every file before the key existed.
	 */
	static final String DEFAULT_INTERFACE = "pgsql";

	/** The readers of every Juju interface the library speaks, by interface name. */
	private static final Map<String, RelationEntryReader> READERS = readers(new PgsqlEntryReader(),
			new PostgresqlClientEntryReader());

	/**
	 * The streaming parser only: the tree is built in the same pass that records the
	 * locations. A databind {@code JsonMapper} would load some 400 more classes at
	 * start-up (the largest part of the library's start-up time) for a few kilobytes of
	 * JSON.
	 */
	private static final JsonFactory JSON = JsonFactory.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	// Jackson echoes an unrecognized token, which may be part of a password
	private static final Pattern TOKEN_IN_MESSAGE = Pattern.compile("(?<=Unrecognized token )'[^']*'");

	private final String source;

	private final Map<String, TokenStreamLocation> locations = new HashMap<>();

	private StateFileReader(String source) {
		this.source = source;
	}

	private static Map<String, RelationEntryReader> readers(RelationEntryReader... readers) {
		Map<String, RelationEntryReader> byName = new LinkedHashMap<>();
		for (RelationEntryReader reader : readers) {
			byName.put(reader.interfaceName(), reader);
		}
		return Map.copyOf(byName);
	}

	static List<RelationEntry> read(String json, String source) {
		return new StateFileReader(source).read(json);
	}

	private List<RelationEntry> read(String json) {
		if (json.isBlank()) {
			throw new RelationStateException(this.source + ": is empty; expected a JSON object with \"version\": "
					+ SUPPORTED_VERSION + " and \"relations\"");
		}
		JsonNode root = parseJson(json);
		requireObject(root, "");
		requireFields(root, "", REQUIRED);
		int version = integer(root.get("version"), "version");
		if (version != SUPPORTED_VERSION) {
			throw error("version", "version " + version + " is not supported; this reader supports version "
					+ SUPPORTED_VERSION + " only");
		}
		JsonNode relations = root.get("relations");
		if (!relations.isArray()) {
			throw wrongType("relations", "an array", relations);
		}
		List<RelationEntry> result = new ArrayList<>();
		Map<Integer, String> pathsById = new HashMap<>();
		for (int i = 0; i < relations.size(); i++) {
			String path = "relations[" + i + "]";
			RelationEntry relation = relation(relations.get(i), path);
			String previous = pathsById.putIfAbsent(relation.ref().id(), path);
			if (previous != null) {
				throw error(path + ".relation-id",
						"relation id " + relation.ref().id() + " appears twice (also " + previous + ")");
			}
			result.add(relation);
		}
		return result;
	}

	private JsonNode parseJson(String json) {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), json)) {
			try {
				JsonNode root = (parser.nextToken() != null) ? readValue(parser, "") : NODES.missingNode();
				if (parser.nextToken() != null) {
					throw new RelationStateException(this.source + ": unexpected content after the JSON object"
							+ at(parser.currentTokenLocation()));
				}
				return root;
			}
			catch (JacksonException ex) {
				// A limit (nesting depth, number length) is reported without a location
				throw invalidJson(ex, (ex.getLocation() != null) ? ex.getLocation() : parser.currentLocation());
			}
		}
		catch (JacksonException ex) {
			throw invalidJson(ex, ex.getLocation());
		}
	}

	/**
	 * Jackson's message, masked, without Jackson's exception as the cause: its message
	 * echoes an unrecognized token, which may be part of a password, and a cause is
	 * printed wherever the exception is logged.
	 */
	private RelationStateException invalidJson(JacksonException ex, @Nullable TokenStreamLocation location) {
		String problem = ex.getOriginalMessage();
		problem = (problem != null)
				? TOKEN_IN_MESSAGE.matcher(problem.lines().findFirst().orElse("")).replaceAll("'******'") : "";
		String kind = problem.contains("end-of-input") ? "is truncated or not valid JSON" : "is not valid JSON";
		return new RelationStateException(this.source + ": " + kind + ": " + problem + at(location));
	}

	/**
	 * Reads the value at the parser's current token into a tree, as databind's
	 * {@code readTree} does (integers as int, long or big integer nodes, other numbers as
	 * doubles), and records where each key path starts.
	 */
	private JsonNode readValue(JsonParser parser, String path) {
		this.locations.put(path, parser.currentTokenLocation());
		return switch (parser.currentToken()) {
			case START_OBJECT -> {
				ObjectNode object = NODES.objectNode();
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					parser.nextToken();
					object.set(name, readValue(parser, child(path, name)));
				}
				yield object;
			}
			case START_ARRAY -> {
				ArrayNode array = NODES.arrayNode();
				while (parser.nextToken() != JsonToken.END_ARRAY) {
					array.add(readValue(parser, path + "[" + array.size() + "]"));
				}
				yield array;
			}
			case VALUE_STRING -> NODES.stringNode(parser.getString());
			case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
				case INT -> NODES.numberNode(parser.getIntValue());
				case LONG -> NODES.numberNode(parser.getLongValue());
				default -> NODES.numberNode(parser.getBigIntegerValue());
			};
			case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
			case VALUE_TRUE -> NODES.booleanNode(true);
			case VALUE_FALSE -> NODES.booleanNode(false);
			case VALUE_NULL -> NODES.nullNode();
			default -> throw new IllegalStateException("Unexpected JSON token " + parser.currentToken());
		};
	}

	private RelationEntry relation(JsonNode node, String path) {
		requireObject(node, path);
		requireFields(node, path, RELATION_REQUIRED);
		RelationRef ref = new RelationRef(string(node.get("endpoint"), child(path, "endpoint")),
				integer(node.get("relation-id"), child(path, "relation-id")),
				string(node.get("remote-app"), child(path, "remote-app")));
		String name = optionalString(node, path, "interface", DEFAULT_INTERFACE);
		RelationEntryReader reader = READERS.get(name);
		if (reader == null) {
			throw error(child(path, "interface"),
					"unknown Juju interface; expected one of " + String.join(", ", READERS.keySet()));
		}
		return reader.read(node, path, ref, this);
	}

	@Override
	public Map<String, String> strings(JsonNode node, String path) {
		requireObject(node, path);
		Map<String, String> result = new LinkedHashMap<>();
		node.properties()
			.forEach((entry) -> result.put(entry.getKey(), string(entry.getValue(), child(path, entry.getKey()))));
		return result;
	}

	@Override
	public String optionalString(JsonNode object, String path, String name, String defaultValue) {
		JsonNode node = object.get(name);
		return (node == null || node.isNull()) ? defaultValue : string(node, child(path, name));
	}

	@Override
	public String string(JsonNode node, String path) {
		if (!node.isString()) {
			throw wrongType(path, "a string", node);
		}
		return node.stringValue();
	}

	@Override
	public List<String> stringArray(JsonNode node, String path) {
		if (!node.isArray()) {
			throw wrongType(path, "an array of strings", node);
		}
		List<String> result = new ArrayList<>();
		for (int i = 0; i < node.size(); i++) {
			result.add(string(node.get(i), path + "[" + i + "]"));
		}
		return result;
	}

	private int integer(JsonNode node, String path) {
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw wrongType(path, "an integer", node);
		}
		return node.intValue();
	}

	@Override
	public void requireObject(JsonNode node, String path) {
		if (!node.isObject()) {
			throw wrongType(path, "an object", node);
		}
	}

	@Override
	public void requireFields(JsonNode node, String path, List<String> names) {
		for (String name : names) {
			if (!node.has(name)) {
				throw new RelationStateException(
						this.source + ": " + child(path, name) + ": required field is missing" + in(path));
			}
		}
	}

	private RelationStateException wrongType(String path, String expected, JsonNode actual) {
		return error(path, "expected " + expected + ", found " + describe(actual));
	}

	private static String describe(JsonNode node) {
		if (node.isIntegralNumber()) {
			return node.canConvertToInt() ? "a number" : "a number out of range";
		}
		return switch (node.getNodeType()) {
			case STRING -> "a string";
			case NUMBER -> "a number";
			case BOOLEAN -> "a boolean";
			case NULL -> "null";
			case ARRAY -> "an array";
			case OBJECT -> "an object";
			default -> node.getNodeType().toString().toLowerCase();
		};
	}

	@Override
	public RelationStateException error(String path, String problem) {
		return new RelationStateException(message(path, problem));
	}

	@Override
	public RelationStateException error(String path, String problem, Throwable cause) {
		return new RelationStateException(message(path, problem), cause);
	}

	private String message(String path, String problem) {
		String where = path.isEmpty() ? "" : path + ": ";
		return this.source + ": " + where + problem + at(this.locations.get(path));
	}

	private String in(String path) {
		TokenStreamLocation location = this.locations.get(path);
		String what = path.isEmpty() ? "the top-level object" : path;
		return (location != null)
				? " (in " + what + " at line " + location.getLineNr() + ", column " + location.getColumnNr() + ")" : "";
	}

	private static String at(@Nullable TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 0) {
			return "";
		}
		return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
	}

	@Override
	public String child(String path, String name) {
		return path.isEmpty() ? name : path + "." + name;
	}

}
