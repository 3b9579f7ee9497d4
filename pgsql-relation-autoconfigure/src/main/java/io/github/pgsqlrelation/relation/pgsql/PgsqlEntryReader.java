package io.github.pgsqlrelation.relation.pgsql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.ConnectionStringException;
import io.github.pgsqlrelation.relation.EntryFields;
import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationEntryReader;
import io.github.pgsqlrelation.relation.RelationRef;
import tools.jackson.databind.JsonNode;

/**
 * Reads the state file entries of the {@code pgsql} interface, in either shape:
 * {@code raw} (the bags as Juju returns them) or {@code resolved} (the charm applied the
 * readiness rules). Connection strings are parsed here, so that a malformed one is
 * reported with its key path when the file is read.
 */
public final class PgsqlEntryReader implements RelationEntryReader {

	/** The keys every {@code pgsql} entry has, besides the envelope's. */
	public static final List<String> REQUIRED = List.of("shape");

	/** The keys of the {@code raw} shape. */
	public static final List<String> RAW_REQUIRED = List.of("local-unit", "local-unit-data", "requested",
			"remote-units-data");

	/** The keys of the {@code resolved} shape. */
	public static final List<String> RESOLVED_REQUIRED = List.of();

	@Override
	public String interfaceName() {
		return "pgsql";
	}

	@Override
	public RelationEntry read(JsonNode entry, String path, RelationRef ref, EntryFields fields) {
		fields.requireFields(entry, path, REQUIRED);
		String shape = fields.string(entry.get("shape"), fields.child(path, "shape"));
		return switch (shape) {
			case "raw" -> raw(entry, path, ref, fields);
			case "resolved" -> resolved(entry, path, ref, fields);
			default ->
				throw fields.error(fields.child(path, "shape"), "unknown shape; expected \"raw\" or \"resolved\"");
		};
	}

	private RawRelation raw(JsonNode node, String path, RelationRef ref, EntryFields fields) {
		fields.requireFields(node, path, RAW_REQUIRED);
		String localUnit = fields.string(node.get("local-unit"), fields.child(path, "local-unit"));
		Map<String, String> localUnitData = fields.strings(node.get("local-unit-data"),
				fields.child(path, "local-unit-data"));
		String requestedPath = fields.child(path, "requested");
		JsonNode requested = node.get("requested");
		fields.requireObject(requested, requestedPath);
		Requested request = new Requested(fields.optionalString(requested, requestedPath, "database", ""),
				fields.optionalString(requested, requestedPath, "roles", ""),
				fields.optionalString(requested, requestedPath, "extensions", ""));
		List<Bag> bags = new ArrayList<>();
		JsonNode appData = node.get("remote-app-data");
		if (appData != null && !appData.isNull()) {
			String appPath = fields.child(path, "remote-app-data");
			bags.add(bag(ref.remoteApp(), fields.strings(appData, appPath), appPath, fields));
		}
		String unitsPath = fields.child(path, "remote-units-data");
		JsonNode units = node.get("remote-units-data");
		fields.requireObject(units, unitsPath);
		Map<String, JsonNode> byName = new TreeMap<>(UnitNameOrder.INSTANCE);
		units.properties().forEach((unit) -> byName.put(unit.getKey(), unit.getValue()));
		byName.forEach((name, unit) -> {
			String unitPath = fields.child(unitsPath, name);
			bags.add(bag(name, fields.strings(unit, unitPath), unitPath, fields));
		});
		return new RawRelation(ref, localUnit, localUnitData, request, bags);
	}

	private Bag bag(String name, Map<String, String> data, String path, EntryFields fields) {
		String master = data.getOrDefault("master", "");
		String standbys = data.getOrDefault("standbys", "");
		return new Bag(name, data,
				master.isBlank() ? null : connectionString(master, fields.child(path, "master"), "", fields),
				standbys(StandbyList.split(standbys), fields.child(path, "standbys"), false, fields));
	}

	private ResolvedRelation resolved(JsonNode node, String path, RelationRef ref, EntryFields fields) {
		fields.requireFields(node, path, RESOLVED_REQUIRED);
		String master = fields.optionalString(node, path, "master", "");
		JsonNode standbysNode = node.get("standbys");
		String standbysPath = fields.child(path, "standbys");
		List<String> standbys = (standbysNode != null && !standbysNode.isNull())
				? fields.stringArray(standbysNode, standbysPath) : List.of();
		String database = fields.optionalString(node, path, "database", "");
		String version = fields.optionalString(node, path, "version", "");
		return new ResolvedRelation(ref,
				master.isBlank() ? null : connectionString(master, fields.child(path, "master"), "", fields),
				standbys(standbys, standbysPath, true, fields), database.isEmpty() ? null : database,
				version.isEmpty() ? null : version);
	}

	private List<ConnectionString> standbys(List<String> texts, String path, boolean indexed, EntryFields fields) {
		List<ConnectionString> result = new ArrayList<>();
		for (int i = 0; i < texts.size(); i++) {
			String itemPath = indexed ? path + "[" + i + "]" : path;
			String which = (indexed || texts.size() == 1) ? "" : " (standby " + (i + 1) + " of " + texts.size() + ")";
			result.add(connectionString(texts.get(i), itemPath, which, fields));
		}
		return StandbyList.canonical(result);
	}

	private ConnectionString connectionString(String text, String path, String which, EntryFields fields) {
		try {
			return ConnectionString.parse(text);
		}
		catch (ConnectionStringException ex) {
			// The exception's message is already masked
			throw fields.error(path, "invalid connection string" + which + ": " + ex.getMessage(), ex);
		}
	}

}
