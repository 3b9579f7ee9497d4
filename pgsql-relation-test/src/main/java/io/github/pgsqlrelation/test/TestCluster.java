package io.github.pgsqlrelation.test;

import java.util.List;

/**
 * A PostgreSQL cluster for tests: a primary and streaming hot standbys, with the
 * operations that change its topology. {@link PostgresCluster} runs it from PostgreSQL
 * binaries; {@code ContainerCluster} (module {@code pgsql-relation-testcontainers}) in
 * containers. {@link RelationStateFiles} writes relation state files for either.
 * <p>
 * A node passed to an operation must be one of this cluster's, else
 * {@link IllegalArgumentException}; an operation on a node in the wrong state (not
 * running, not a standby) throws {@link IllegalStateException}.
 */
public interface TestCluster extends AutoCloseable {

	/**
	 * The current primary: the first node, or the last one promoted.
	 * @return the primary
	 */
	ClusterNode primary();

	/**
	 * The current standbys, running or not, in the order they were added. A promoted node
	 * leaves this list; a former primary never joins it.
	 * @return the standbys
	 */
	List<? extends ClusterNode> standbys();

	/**
	 * The standbys whose server runs.
	 * @return the running standbys
	 */
	List<? extends ClusterNode> runningStandbys();

	/**
	 * Every node of the cluster that was not removed, former primaries included.
	 * @return the nodes
	 */
	List<? extends ClusterNode> nodes();

	/**
	 * Adds a standby of the current primary (which must be running) and waits until it
	 * streams.
	 * @return the new standby, running and replaying
	 */
	ClusterNode addStandby();

	/**
	 * Stops a standby and deletes its data.
	 * @param node the standby
	 */
	void removeStandby(ClusterNode node);

	/**
	 * Promotes a standby to primary, as an unplanned failover would: the former primary
	 * is left as it is and the other standbys keep following it (see
	 * {@link #follow(ClusterNode)}).
	 * @param node a running standby
	 */
	void promote(ClusterNode node);

	/**
	 * Hands the primary role over to a standby as a planned switchover does: stops the
	 * primary cleanly, waits until the standby has replayed everything it wrote, promotes
	 * the standby and points the other running standbys at it. The former primary stays
	 * stopped.
	 * @param node a running standby
	 */
	void switchover(ClusterNode node);

	/**
	 * Points a standby at the current primary and waits until it streams from it (when
	 * the primary runs).
	 * @param standby a running standby
	 */
	void follow(ClusterNode standby);

	/**
	 * Stops a node cleanly (fast shutdown), resuming it first if it is paused.
	 * @param node the node
	 */
	void stop(ClusterNode node);

	/**
	 * Kills a node's server with SIGKILL, as a crash would, and waits until it is gone.
	 * @param node the node
	 */
	void kill(ClusterNode node);

	/**
	 * Freezes a node as a hung machine would: its connections stay open but nothing
	 * answers until {@link #resume(ClusterNode)}.
	 * @param node a running node
	 */
	void pause(ClusterNode node);

	/**
	 * Lets a paused node run again. Does nothing to a node that is not paused.
	 * @param node the node
	 */
	void resume(ClusterNode node);

	/**
	 * Waits until every running standby has replayed all the WAL the primary has written
	 * so far.
	 * @throws IllegalStateException if one has not after a minute
	 */
	void awaitReplication();

	/**
	 * The database the relation user owns.
	 * @return the database name
	 */
	String database();

	/**
	 * The relation user.
	 * @return the role name
	 */
	String user();

	/**
	 * The relation user's password.
	 * @return the password
	 */
	String password();

	/**
	 * Changes the relation user's password on the primary, as a PostgreSQL charm rotating
	 * it does, and waits until every running standby has replayed the change: the servers
	 * refuse new connections with the old password from then on, connections already open
	 * stay, and connection strings written for the relation carry the new one.
	 * @param newPassword the new password
	 */
	void changePassword(String newPassword);

	/**
	 * Changes the relation user's password to a new generated one (letters and digits,
	 * known to the tests' leak detection), as {@link #changePassword(String)} does.
	 * @return the new password
	 */
	String rotatePassword();

	/**
	 * The servers' version as PostgreSQL charms publish it, e.g. {@code 15.10}.
	 * @return the version
	 */
	String serverVersion();

	/**
	 * Stops every server and deletes what the cluster made. Safe to call more than once.
	 */
	@Override
	void close();

}
