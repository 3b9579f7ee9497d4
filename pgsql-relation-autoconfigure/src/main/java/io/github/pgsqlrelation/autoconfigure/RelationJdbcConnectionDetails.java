package io.github.pgsqlrelation.autoconfigure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.routing.RelationNotReadyException;
import org.postgresql.PGProperty;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The relation's current master as Spring Boot's {@link JdbcConnectionDetails}, for
 * Boot's tooling and third-party auto-configurations that connect on their own. Each call
 * reads the relation as it is now, so a failover or a password rotation is seen at once.
 * <p>
 * It describes one server, the master: reads that the routing sends to standbys are
 * beyond it. The URL carries the master's non-secret driver settings (SSL mode, timeouts,
 * ...) as parameters; the password and the SSL key's password are given by
 * {@link #getPassword()} or not at all. A consumer that keeps what it read (a pool built
 * once) does not follow later changes.
 */
final class RelationJdbcConnectionDetails implements JdbcConnectionDetails {

	private static final String DRIVER = "org.postgresql.Driver";

	/** Passed apart ({@code user}, {@code password}) or never ({@code sslpassword}). */
	private static final Set<String> NOT_IN_URL = Set.of(PGProperty.USER.getName(), PGProperty.PASSWORD.getName(),
			PGProperty.SSL_PASSWORD.getName());

	private final Supplier<RelationSnapshot> relation;

	RelationJdbcConnectionDetails(Supplier<RelationSnapshot> relation) {
		this.relation = relation;
	}

	/**
	 * Returns the master's JDBC URL with its non-secret driver settings.
	 * @throws IllegalStateException caused by a {@link RelationNotReadyException} that
	 * says why, when the relation hands out no master (so do the other getters, except
	 * {@link #getDriverClassName()})
	 */
	@Override
	public String getJdbcUrl() {
		JdbcConnection jdbc = master().toJdbc();
		StringJoiner parameters = new StringJoiner("&", (jdbc.url().contains("?") ? "&" : "?"), "").setEmptyValue("");
		jdbc.properties()
			.entrySet()
			.stream()
			.filter((property) -> !NOT_IN_URL.contains(property.getKey()))
			.sorted(Map.Entry.comparingByKey())
			.forEach((property) -> parameters.add(encode(property.getKey()) + "=" + encode(property.getValue())));
		return jdbc.url() + parameters;
	}

	@Override
	public String getUsername() {
		return master().toJdbc().properties().get(PGProperty.USER.getName());
	}

	@Override
	public String getPassword() {
		return master().toJdbc().properties().get(PGProperty.PASSWORD.getName());
	}

	@Override
	public String getDriverClassName() {
		return DRIVER;
	}

	private ConnectionString master() {
		RelationSnapshot snapshot = this.relation.get();
		ConnectionString master = snapshot.master();
		if (master == null) {
			String reason = snapshot.readiness().reason();
			throw new IllegalStateException(new RelationNotReadyException(
					"endpoint '" + snapshot.endpoint() + "' has no master" + ((reason != null) ? ": " + reason : "")));
		}
		return master;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		ConnectionString master = this.relation.get().master();
		return "RelationJdbcConnectionDetails[master=" + ((master != null) ? master : "none") + "]";
	}

}
