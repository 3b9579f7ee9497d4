package io.github.pgsqlrelation.relation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.ConnectionStringException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the content of a relation state file into relations, checking it against the
 * contract ({@code docs/relation-state.md}). Every error names the source, the key path
 * and, where the key exists, its line and column; values are never quoted, since they may
 * hold passwords.
 */
final class RelationStateReader {

	static final int SUPPORTED_VERSION = 1;

	static final List<String> REQUIRED = List.of("version", "relations");

	static final List<String> RELATION_REQUIRED = List.of("shape", "endpoint", "relation-id", "remote-app");

	static final List<String> RAW_REQUIRED = List.of("local-unit", "local-unit-data", "requested", "remote-units-data");

	static final List<String> RESOLVED_REQUIRED = List.of();

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	// Jackson echoes an unrecognized token, which may be part of a password
	private static final Pattern TOKEN_IN_MESSAGE = Pattern.compile("(?<=Unrecognized token )'[^']*'");

	private final String source;

	private final Map<String, TokenStreamLocation> locations = new HashMap<>();

	private RelationStateReader(String source) {
		this.source = source;
	}

	static List<StateRelation> read(String json, String source) {
		return new RelationStateReader(source).read(json);
	}

	private List<StateRelation> read(String json) {
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
		List<StateRelation> result = new ArrayList<>();
		Map<Integer, String> pathsById = new HashMap<>();
		for (int i = 0; i < relations.size(); i++) {
			String path = "relations[" + i + "]";
			StateRelation relation = relation(relations.get(i), path);
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
		try (JsonParser parser = MAPPER.createParser(json)) {
			try {
				if (parser.nextToken() != null) {
					recordLocations(parser, "");
				}
				if (parser.nextToken() != null) {
					throw new RelationStateException(this.source + ": unexpected content after the JSON object"
							+ at(parser.currentTokenLocation()));
				}
			}
			catch (JacksonException ex) {
				// A limit (nesting depth, number length) is reported without a location
				throw invalidJson(ex, (ex.getLocation() != null) ? ex.getLocation() : parser.currentLocation());
			}
		}
		catch (JacksonException ex) {
			throw invalidJson(ex, ex.getLocation());
		}
		try {
			return MAPPER.readTree(json);
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

	private void recordLocations(JsonParser parser, String path) {
		this.locations.put(path, parser.currentTokenLocation());
		JsonToken token = parser.currentToken();
		if (token == JsonToken.START_OBJECT) {
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				parser.nextToken();
				recordLocations(parser, child(path, name));
			}
		}
		else if (token == JsonToken.START_ARRAY) {
			int index = 0;
			while (parser.nextToken() != JsonToken.END_ARRAY) {
				recordLocations(parser, path + "[" + index++ + "]");
			}
		}
	}

	private StateRelation relation(JsonNode node, String path) {
		requireObject(node, path);
		requireFields(node, path, RELATION_REQUIRED);
		String shape = string(node.get("shape"), child(path, "shape"));
		RelationRef ref = new RelationRef(string(node.get("endpoint"), child(path, "endpoint")),
				integer(node.get("relation-id"), child(path, "relation-id")),
				string(node.get("remote-app"), child(path, "remote-app")));
		return switch (shape) {
			case "raw" -> raw(node, path, ref);
			case "resolved" -> resolved(node, path, ref);
			default -> throw error(child(path, "shape"), "unknown shape; expected \"raw\" or \"resolved\"");
		};
	}

	private RawRelation raw(JsonNode node, String path, RelationRef ref) {
		requireFields(node, path, RAW_REQUIRED);
		String localUnit = string(node.get("local-unit"), child(path, "local-unit"));
		Map<String, String> localUnitData = strings(node.get("local-unit-data"), child(path, "local-unit-data"));
		String requestedPath = child(path, "requested");
		JsonNode requested = node.get("requested");
		requireObject(requested, requestedPath);
		Requested request = new Requested(optionalString(requested, requestedPath, "database", ""),
				optionalString(requested, requestedPath, "roles", ""),
				optionalString(requested, requestedPath, "extensions", ""));
		List<Bag> bags = new ArrayList<>();
		JsonNode appData = node.get("remote-app-data");
		if (appData != null && !appData.isNull()) {
			String appPath = child(path, "remote-app-data");
			bags.add(bag(ref.remoteApp(), strings(appData, appPath), appPath));
		}
		String unitsPath = child(path, "remote-units-data");
		JsonNode units = node.get("remote-units-data");
		requireObject(units, unitsPath);
		Map<String, JsonNode> byName = new TreeMap<>(UnitNameOrder.INSTANCE);
		units.properties().forEach((entry) -> byName.put(entry.getKey(), entry.getValue()));
		byName.forEach((name, unit) -> {
			String unitPath = child(unitsPath, name);
			bags.add(bag(name, strings(unit, unitPath), unitPath));
		});
		return new RawRelation(ref, localUnit, localUnitData, request, bags);
	}

	private Bag bag(String name, Map<String, String> data, String path) {
		String master = data.getOrDefault("master", "");
		String standbys = data.getOrDefault("standbys", "");
		return new Bag(name, data, master.isBlank() ? null : connectionString(master, child(path, "master"), ""),
				standbys(StandbyList.split(standbys), child(path, "standbys"), false));
	}

	private ResolvedRelation resolved(JsonNode node, String path, RelationRef ref) {
		requireFields(node, path, RESOLVED_REQUIRED);
		String master = optionalString(node, path, "master", "");
		List<String> standbys = new ArrayList<>();
		JsonNode standbysNode = node.get("standbys");
		String standbysPath = child(path, "standbys");
		if (standbysNode != null && !standbysNode.isNull()) {
			if (!standbysNode.isArray()) {
				throw wrongType(standbysPath, "an array of strings", standbysNode);
			}
			for (int i = 0; i < standbysNode.size(); i++) {
				standbys.add(string(standbysNode.get(i), standbysPath + "[" + i + "]"));
			}
		}
		String database = optionalString(node, path, "database", "");
		String version = optionalString(node, path, "version", "");
		return new ResolvedRelation(ref, master.isBlank() ? null : connectionString(master, child(path, "master"), ""),
				standbys(standbys, standbysPath, true), database.isEmpty() ? null : database,
				version.isEmpty() ? null : version);
	}

	private List<ConnectionString> standbys(List<String> texts, String path, boolean indexed) {
		List<ConnectionString> result = new ArrayList<>();
		for (int i = 0; i < texts.size(); i++) {
			String itemPath = indexed ? path + "[" + i + "]" : path;
			String which = (indexed || texts.size() == 1) ? "" : " (standby " + (i + 1) + " of " + texts.size() + ")";
			result.add(connectionString(texts.get(i), itemPath, which));
		}
		return StandbyList.canonical(result);
	}

	private ConnectionString connectionString(String text, String path, String which) {
		try {
			return ConnectionString.parse(text);
		}
		catch (ConnectionStringException ex) {
			// The exception's message is already masked
			throw error(path, "invalid connection string" + which + ": " + ex.getMessage(), ex);
		}
	}

	private Map<String, String> strings(JsonNode node, String path) {
		requireObject(node, path);
		Map<String, String> result = new LinkedHashMap<>();
		node.properties()
			.forEach((entry) -> result.put(entry.getKey(), string(entry.getValue(), child(path, entry.getKey()))));
		return result;
	}

	private String optionalString(JsonNode object, String path, String name, String defaultValue) {
		JsonNode node = object.get(name);
		return (node == null || node.isNull()) ? defaultValue : string(node, child(path, name));
	}

	private String string(JsonNode node, String path) {
		if (!node.isString()) {
			throw wrongType(path, "a string", node);
		}
		return node.stringValue();
	}

	private int integer(JsonNode node, String path) {
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw wrongType(path, "an integer", node);
		}
		return node.intValue();
	}

	private void requireObject(JsonNode node, String path) {
		if (!node.isObject()) {
			throw wrongType(path, "an object", node);
		}
	}

	private void requireFields(JsonNode node, String path, List<String> names) {
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

	private RelationStateException error(String path, String problem) {
		return new RelationStateException(message(path, problem));
	}

	private RelationStateException error(String path, String problem, Throwable cause) {
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

	private static String child(String path, String name) {
		return path.isEmpty() ? name : path + "." + name;
	}

}
