package io.github.pgsqlrelation.connection;

import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers shared by this package. */
final class ConnectionStrings {

	static final String MASK = "******";

	private ConnectionStrings() {
	}

	/**
	 * Masks secrets by libpq keyword or pgjdbc property name (both say {@code password},
	 * {@code sslpassword}).
	 */
	static Map<String, String> masked(Map<String, String> keywords) {
		Map<String, String> result = new LinkedHashMap<>(keywords);
		result.replaceAll((key, value) -> Keywords.isSecret(key) ? MASK : value);
		return result;
	}

}
