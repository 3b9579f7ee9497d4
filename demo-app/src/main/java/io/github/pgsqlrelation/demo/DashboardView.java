package io.github.pgsqlrelation.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Everything the page shows, as JSON. Holds no password.
 *
 * @param time when this view was taken
 * @param localServers whether the demo runs the servers itself, and the page acts as
 * their charm
 * @param relation the relation as the last event described it, {@code null} before any
 * event
 * @param noMasterReason why writes cannot be routed, {@code null} when they can
 * @param pools the routing's pools: master, standbys, then retiring ones
 * @param lastWrite the last write of the load generator
 * @param lastRead the last read of the load generator
 * @param recentReads the nodes that served the recent reads, newest first
 * @param readsByNode how many reads each node served recently
 * @param load the load generator's counts
 * @param nodes the PostgreSQL servers the demo runs, none when a charm manages them
 * @param charm what the charm is doing
 * @param published how the demo's charm publishes the relation, {@code null} when a real
 * charm does
 * @param events the recent relation events, newest first
 */
record DashboardView(Instant time, boolean localServers, @Nullable Relation relation, @Nullable String noMasterReason,
		List<Pool> pools, @Nullable Transaction lastWrite, @Nullable Transaction lastRead, List<String> recentReads,
		Map<String, Integer> readsByNode, Load load, List<Node> nodes, Charm charm, @Nullable Published published,
		List<Event> events) {

	/**
	 * How the demo's charm publishes the relation.
	 *
	 * @param relationInterface {@code pgsql} or {@code postgresql_client}
	 * @param endpoint the endpoint, the one the application follows
	 * @param tls whether the relation says TLS is on
	 * @param passwordRotations how many times the relation user's password was rotated
	 */
	record Published(String relationInterface, String endpoint, boolean tls, int passwordRotations) {

	}

	/**
	 * The relation.
	 *
	 * @param endpoint the local endpoint
	 * @param relationId Juju's relation id
	 * @param remoteApp the remote application
	 * @param readiness READY, NOT_READY, AMBIGUOUS or NO_RELATION
	 * @param reason why not ready
	 * @param master the master
	 * @param standbys the standbys
	 * @param database the database
	 * @param version the server version
	 * @param sslmode the master connection's {@code sslmode}, {@code null} when not set
	 */
	record Relation(String endpoint, @Nullable Integer relationId, @Nullable String remoteApp, String readiness,
			@Nullable String reason, @Nullable Server master, List<Server> standbys, @Nullable String database,
			@Nullable String version, @Nullable String sslmode) {

	}

	/**
	 * A server named in the relation or served a transaction.
	 *
	 * @param address host and port
	 * @param node the demo's node listening there, {@code ?} when none
	 */
	record Server(String address, String node) {

	}

	/**
	 * One pool of the routing DataSource.
	 *
	 * @param role master or standby
	 * @param name the pool's name
	 * @param server the server it connects to
	 * @param active connections in use
	 * @param idle connections waiting in the pool
	 * @param waiting threads waiting for a connection
	 * @param available whether reads use it (a failing standby is skipped)
	 * @param retiring whether it left the routing and drains
	 */
	record Pool(String role, String name, Server server, int active, int idle, int waiting, boolean available,
			boolean retiring) {

	}

	/**
	 * A transaction of the load generator.
	 *
	 * @param server the server that ran it
	 * @param inRecovery whether that server was a standby
	 * @param noteId the note written, or the newest note read
	 * @param time when it finished
	 */
	record Transaction(Server server, boolean inRecovery, long noteId, Instant time) {

	}

	/**
	 * The load generator's counts.
	 *
	 * @param enabled whether it runs
	 * @param writes writes that succeeded
	 * @param writeRetries writes tried a second time after a lost connection
	 * @param writeErrors writes that failed
	 * @param reads reads that succeeded
	 * @param readRetries reads tried a second time after a lost connection
	 * @param readErrors reads that failed
	 * @param lastFailure the last failure, {@code null} when none
	 */
	record Load(boolean enabled, long writes, long writeRetries, long writeErrors, long reads, long readRetries,
			long readErrors, LoadGenerator.@Nullable Failure lastFailure) {

	}

	/**
	 * A PostgreSQL server of the demo.
	 *
	 * @param name its name
	 * @param unit the Juju unit it plays
	 * @param address host and port
	 * @param role primary, standby or former primary
	 * @param running whether its server process runs
	 */
	record Node(String name, String unit, String address, String role, boolean running) {

	}

	/**
	 * The charm.
	 *
	 * @param busy whether an action runs
	 * @param log what it did, newest first
	 */
	record Charm(boolean busy, List<CharmActions.LogEntry> log) {

	}

	/**
	 * A relation event.
	 *
	 * @param time when it came
	 * @param type its name, e.g. {@code MasterChangedEvent}
	 * @param master the master after it
	 * @param standbys the standbys after it
	 * @param readiness the readiness after it
	 */
	record Event(Instant time, String type, @Nullable Server master, List<Server> standbys, String readiness) {

	}

}
