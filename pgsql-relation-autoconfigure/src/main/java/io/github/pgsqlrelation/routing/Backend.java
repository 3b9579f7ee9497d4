package io.github.pgsqlrelation.routing;

/**
 * A PostgreSQL server that the routing keeps a pool for.
 *
 * @param role whether the server is the master or a standby
 * @param name the name of its pool, e.g. {@code pgsql-relation-db-master} or
 * {@code pgsql-relation-db-standby-10.0.0.6-5432}, as it appears in logs, metrics and JMX
 * @param address the host and port, e.g. {@code 10.0.0.6:5432}
 * @param connectionString the connection string, password masked
 */
public record Backend(Role role, String name, String address, String connectionString) {

	@Override
	public String toString() {
		return this.role.label() + " " + this.address + " (" + this.name + ")";
	}

	/** The role of a backend in the relation. */
	public enum Role {

		/** The server that takes writes. */
		MASTER("master"),

		/** A hot standby that serves read-only transactions. */
		STANDBY("standby");

		private final String label;

		Role(String label) {
			this.label = label;
		}

		/** Returns the role in the words of the {@code pgsql} interface. */
		public String label() {
			return this.label;
		}

	}

}
