package io.github.pgsqlrelation.demo;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Juju interfaces the demo's charm can publish its relation with, and the endpoint a
 * charm usually gives each.
 */
enum RelationInterface {

	/** The legacy interface of Canonical's PostgreSQL charms up to track 14. */
	PGSQL("pgsql", "db"),

	/** The current interface: application bag plus Juju secrets. */
	POSTGRESQL_CLIENT("postgresql_client", "database");

	private final String jujuName;

	private final String endpoint;

	RelationInterface(String jujuName, String endpoint) {
		this.jujuName = jujuName;
		this.endpoint = endpoint;
	}

	/** Returns the interface's name in Juju metadata, e.g. {@code postgresql_client}. */
	String jujuName() {
		return this.jujuName;
	}

	/** Returns the endpoint a charm usually gives the interface. */
	String endpoint() {
		return this.endpoint;
	}

	/**
	 * Returns the interface of a Juju name.
	 * @throws IllegalArgumentException naming the interfaces there are
	 */
	static RelationInterface of(String jujuName) {
		return Arrays.stream(values())
			.filter((candidate) -> candidate.jujuName.equals(jujuName))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown interface '" + jujuName + "': use "
					+ Arrays.stream(values()).map(RelationInterface::jujuName).collect(Collectors.joining(" or "))));
	}

}
