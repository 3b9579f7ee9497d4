package io.github.pgsqlrelation.autoconfigure.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.ConnectionStringException;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.RoutingTopology.PoolStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one backend: UP when its pool hands out a valid connection within a short
 * timeout, whatever the pool's own connection timeout, so that a health check never waits
 * long for a server that is gone.
 */
final class BackendHealthIndicator implements HealthIndicator {

	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

	private final PoolStatus status;

	private final Duration timeout;

	BackendHealthIndicator(PoolStatus status, Duration timeout) {
		this.status = status;
		this.timeout = timeout;
	}

	@Override
	public Health health() {
		Backend backend = this.status.backend();
		HikariPoolMXBean pool = this.status.pool();
		Health.Builder health = check(pool).withDetail("role", backend.role().label())
			.withDetail("address", backend.address());
		String database = database(backend);
		if (database != null) {
			health.withDetail("database", database);
		}
		health.withDetail("pool", backend.name()).withDetail("available", this.status.available());
		Duration lag = this.status.lag();
		if (lag != null || this.status.lagging()) {
			// Only measured with max-standby-lag set: otherwise the details stay as they
			// were.
			health.withDetail("lag", (lag != null) ? lag.toString() : "unknown")
				.withDetail("lagging", this.status.lagging());
		}
		return health.withDetail("active", pool.getActiveConnections())
			.withDetail("idle", pool.getIdleConnections())
			.withDetail("total", pool.getTotalConnections())
			.withDetail("waiting", pool.getThreadsAwaitingConnection())
			.build();
	}

	private Health.Builder check(HikariPoolMXBean pool) {
		if (!(pool instanceof HikariPool hikari)) {
			// Only HikariCP's own pool takes a timeout per borrow; otherwise go by the
			// routing's view.
			return this.status.available() ? Health.unknown() : Health.down();
		}
		try (Connection connection = hikari.getConnection(this.timeout.toMillis())) {
			int seconds = (int) Math.max(1, this.timeout.toSeconds());
			return connection.isValid(seconds) ? Health.up()
					: Health.down().withDetail("error", "the connection is not valid");
		}
		catch (SQLException ex) {
			Throwable cause = ex.getCause();
			if (cause == null && pool.getActiveConnections() > 0) {
				// Every connection is in use and none failed to connect: the server
				// works, the pool is busy.
				return Health.up().withDetail("busy", true);
			}
			return Health.down().withDetail("error", (cause != null) ? cause.getMessage() : ex.getMessage());
		}
	}

	private static @Nullable String database(Backend backend) {
		try {
			return ConnectionString.parse(backend.connectionString()).database();
		}
		catch (ConnectionStringException ex) {
			return null;
		}
	}

}
