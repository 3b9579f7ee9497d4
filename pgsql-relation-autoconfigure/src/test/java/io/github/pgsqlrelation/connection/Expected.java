package io.github.pgsqlrelation.connection;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the expected keywords of table tests, written {@code key=value;key=value}. */
final class Expected {

	private Expected() {
	}

	static Map<String, String> keywords(String expected) {
		Map<String, String> result = new LinkedHashMap<>();
		if (expected == null || expected.isEmpty()) {
			return result;
		}
		for (String pair : expected.split(";")) {
			int equals = pair.indexOf('=');
			result.put(pair.substring(0, equals), pair.substring(equals + 1));
		}
		return result;
	}

}
