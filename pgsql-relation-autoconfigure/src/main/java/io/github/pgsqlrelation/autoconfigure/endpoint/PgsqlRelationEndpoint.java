package io.github.pgsqlrelation.autoconfigure.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus;
import io.github.pgsqlrelation.autoconfigure.migration.RelationMigrations;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.relation.statefile.RelationStatus;
import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import io.github.pgsqlrelation.routing.RoutingTopology;
import io.github.pgsqlrelation.routing.RoutingTopology.PoolStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows the pgsql relation as the application sees it:
 * what the state file says, whether the endpoint is ready and why not, and the pools the
 * routing uses. Connection strings are shown with their passwords masked.
 */
@Endpoint(id = "pgsqlrelation")
public final class PgsqlRelationEndpoint {

	private final RelationStateWatcher watcher;

	private final @Nullable RelationRoutingDataSource dataSource;

	private final @Nullable RelationMigrations migrations;

	PgsqlRelationEndpoint(RelationStateWatcher watcher, @Nullable RelationRoutingDataSource dataSource,
			@Nullable RelationMigrations migrations) {
		this.watcher = watcher;
		this.dataSource = dataSource;
		this.migrations = migrations;
	}

	@ReadOperation
	public PgsqlRelationDescriptor relation() {
		RelationStatus status = this.watcher.status();
		RelationSnapshot effective = status.relations().effective();
		StateFileDescriptor stateFile = new StateFileDescriptor(this.watcher.file().toString(), status.problem(),
				status.problemTime());
		return new PgsqlRelationDescriptor(status.relations().endpoint(), describe(effective),
				status.relations().relations().stream().map(PgsqlRelationEndpoint::describe).toList(),
				status.lastChange(), stateFile, pools(),
				(this.migrations != null) ? this.migrations.status() : List.of());
	}

	private List<PoolDescriptor> pools() {
		if (this.dataSource == null) {
			return List.of();
		}
		RoutingTopology topology = this.dataSource.topology();
		List<PoolDescriptor> pools = new ArrayList<>();
		if (topology.master() != null) {
			pools.add(describe(topology.master(), false));
		}
		topology.standbys().forEach((standby) -> pools.add(describe(standby, false)));
		topology.retiring().forEach((retiring) -> pools.add(describe(retiring, true)));
		return pools;
	}

	private static RelationDescriptor describe(RelationSnapshot snapshot) {
		RelationRef relation = snapshot.relation();
		Readiness readiness = snapshot.readiness();
		ConnectionString master = snapshot.master();
		return new RelationDescriptor((relation != null) ? relation.id() : null,
				(relation != null) ? relation.remoteApp() : null, readiness.status().name(), readiness.reason(),
				snapshot.database(), snapshot.version(), (master != null) ? master.toString() : null,
				snapshot.standbys().stream().map(ConnectionString::toString).toList());
	}

	private static PoolDescriptor describe(PoolStatus status, boolean retiring) {
		HikariPoolMXBean pool = status.pool();
		return new PoolDescriptor(status.backend().name(), status.backend().role().label(), status.backend().address(),
				retiring, status.available(), status.lag(), status.lagging(), pool.getActiveConnections(),
				pool.getIdleConnections(), pool.getTotalConnections(), pool.getThreadsAwaitingConnection());
	}

	/**
	 * The relation as the application sees it.
	 *
	 * @param endpoint the relation endpoint, e.g. {@code db}
	 * @param effective what the application uses: the one ready relation, or why there is
	 * none
	 * @param relations every relation on the endpoint, as the protocol sees it
	 * @param lastChange when the relation last changed, {@code null} before the first
	 * change
	 * @param stateFile the relation state file and its last problem
	 * @param pools the pools of the routing {@code DataSource}, empty without one
	 * @param migrations where the schema migrations (Flyway, Liquibase) stand, empty
	 * without any
	 */
	public record PgsqlRelationDescriptor(String endpoint, RelationDescriptor effective,
			List<RelationDescriptor> relations, @Nullable Instant lastChange, StateFileDescriptor stateFile,
			List<PoolDescriptor> pools, List<MigrationStatus> migrations) implements OperationResponseBody {

	}

	/**
	 * One relation, passwords masked.
	 *
	 * @param relationId the Juju relation id, {@code null} when there is no single
	 * relation
	 * @param remoteApp the remote application, {@code null} when there is no single
	 * relation
	 * @param readiness {@code READY}, {@code NOT_READY}, {@code AMBIGUOUS} or
	 * {@code NO_RELATION}
	 * @param reason why it is not ready, {@code null} when ready
	 * @param database the database, {@code null} when unknown
	 * @param version the server's PostgreSQL version, {@code null} when unknown
	 * @param master the master's connection string, {@code null} when none is ready
	 * @param standbys the standbys' connection strings
	 */
	public record RelationDescriptor(@Nullable Integer relationId, @Nullable String remoteApp, String readiness,
			@Nullable String reason, @Nullable String database, @Nullable String version, @Nullable String master,
			List<String> standbys) {

	}

	/**
	 * The relation state file.
	 *
	 * @param path where it is
	 * @param problem the last problem reading it, {@code null} when the last read was
	 * good
	 * @param problemTime when the problem was seen
	 */
	public record StateFileDescriptor(String path, @Nullable String problem, @Nullable Instant problemTime) {

	}

	/**
	 * A connection pool of the routing.
	 *
	 * @param name the pool's name, as in logs and metrics
	 * @param role {@code master} or {@code standby}
	 * @param address the backend's host and port
	 * @param retiring whether the pool left the routing and closes once its transactions
	 * end
	 * @param available {@code false} while reads skip a failing standby
	 * @param lag a standby's replay lag behind the master at the last probe (ISO-8601,
	 * e.g. {@code PT3.2S}); {@code null} for the master, without
	 * {@code pgsql.relation.routing.max-standby-lag}, or before it was measured
	 * @param lagging {@code true} while reads skip a standby whose lag exceeds
	 * {@code max-standby-lag}
	 * @param active connections in use
	 * @param idle idle connections
	 * @param total all connections
	 * @param waiting threads waiting for a connection
	 */
	public record PoolDescriptor(String name, String role, String address, boolean retiring, boolean available,
			@Nullable Duration lag, boolean lagging, int active, int idle, int total, int waiting) {

	}

}
