package io.github.pgsqlrelation.relation.pgsql;

import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.jspecify.annotations.Nullable;

/**
 * One remote bag (the application's or a unit's) with its {@code master} and
 * {@code standbys} already parsed, so that a malformed connection string is reported when
 * the file is read.
 *
 * @param name the remote application or unit name
 * @param data the bag as Juju returns it
 * @param master the published master, {@code null} when absent or empty
 * @param standbys the published standbys, in canonical order
 */
record Bag(String name, Map<String, String> data, @Nullable ConnectionString master, List<ConnectionString> standbys) {

	Bag {
		data = Map.copyOf(data);
		standbys = List.copyOf(standbys);
	}

	String get(String key) {
		return this.data.getOrDefault(key, "");
	}

	@Override
	public String toString() {
		// The data holds passwords (password, schema_password, ...); the connection
		// strings mask theirs
		return "Bag[name=" + this.name + ", keys=" + this.data.keySet() + ", master=" + this.master + ", standbys="
				+ this.standbys + "]";
	}

}
