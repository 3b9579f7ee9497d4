package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * Builds state file content for tests, so that every test goes through the real reader.
 */
public final class StateFiles {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private StateFiles() {
	}

	public static String file(Map<?, ?>... relations) {
		return MAPPER.writeValueAsString(Map.of("version", 1, "relations", List.of(relations)));
	}

	public static StateFile state(Map<?, ?>... relations) {
		return StateFile.parse(file(relations), "test.json");
	}

	public static Raw raw(int id) {
		return new Raw(id);
	}

	public static Map<String, Object> resolved(int id, String remoteApp, String master, String... standbys) {
		Map<String, Object> relation = new LinkedHashMap<>();
		relation.put("shape", "resolved");
		relation.put("endpoint", "db");
		relation.put("relation-id", id);
		relation.put("remote-app", remoteApp);
		relation.put("master", master);
		relation.put("standbys", List.of(standbys));
		return relation;
	}

	/**
	 * A raw relation on endpoint {@code db} with remote application {@code postgresql}.
	 */
	public static final class Raw extends LinkedHashMap<String, Object> {

		private final Map<String, Object> units = new LinkedHashMap<>();

		Raw(int id) {
			put("shape", "raw");
			put("endpoint", "db");
			put("relation-id", id);
			put("remote-app", "postgresql");
			put("local-unit", "myapp/0");
			put("local-unit-data", Map.of());
			put("requested", Map.of());
			put("remote-units-data", this.units);
		}

		public Raw endpoint(String endpoint) {
			put("endpoint", endpoint);
			return this;
		}

		public Raw localUnitData(Map<String, String> data) {
			put("local-unit-data", data);
			return this;
		}

		public Raw requested(Map<String, String> requested) {
			put("requested", requested);
			return this;
		}

		public Raw appData(Map<String, String> data) {
			put("remote-app-data", data);
			return this;
		}

		public Raw unit(String name, Map<String, String> data) {
			this.units.put(name, data);
			return this;
		}

		public RelationSnapshot snapshot() {
			return state(this).endpoint("db", null).effective();
		}

	}

	public static Map<String, String> bag(String... keysAndValues) {
		Map<String, String> result = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			result.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return result;
	}

}
