package io.github.pgsqlrelation.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.pgsqlrelation.test.PostgresNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Does what a charm would do to the database and the relation, one action at a time in
 * the background, so that the page keeps showing the state in between. Only when the demo
 * runs its own servers: deployed by a real charm, the charm does all this.
 */
@Component
final class CharmActions implements DisposableBean {

	private static final Log logger = LogFactory.getLog(CharmActions.class);

	private static final int LOG_SIZE = 12;

	/** How long the charm takes to notice a dead master, as its hooks would. */
	static final Duration FAILOVER_DELAY = Duration.ofSeconds(3);

	private final @Nullable DemoCluster cluster;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "demo-charm");
		thread.setDaemon(true);
		return thread;
	});

	private final Deque<LogEntry> log = new ArrayDeque<>();

	private volatile boolean busy;

	CharmActions(ObjectProvider<DemoCluster> cluster) {
		this.cluster = cluster.getIfAvailable();
	}

	/**
	 * Whether the demo runs the servers itself, so that the page may act as their charm.
	 */
	boolean isLocal() {
		return this.cluster != null;
	}

	boolean isBusy() {
		return this.busy;
	}

	List<LogEntry> log() {
		synchronized (this.log) {
			return List.copyOf(this.log);
		}
	}

	void addStandby() {
		DemoCluster cluster = local();
		submit("Adding a standby: base backup of the primary, then streaming", () -> {
			PostgresNode standby = cluster.addStandby();
			cluster.publish();
			note(standby.name() + " streams from the primary; published it as a standby");
		});
	}

	void removeStandby(PostgresNode standby) {
		DemoCluster cluster = local();
		submit("Removing " + standby.name() + ": first from the relation, then the server", () -> {
			cluster.publishWithout(standby);
			note("Published the standbys without " + standby.name());
			// Read-only transactions that already run on it may finish.
			Thread.sleep(1000);
			cluster.removeStandby(standby);
			note(standby.name() + " stopped and deleted");
		});
	}

	void switchover(PostgresNode standby) {
		DemoCluster cluster = local();
		String former = cluster.view().primary().name();
		submit("Switching over from " + former + " to " + standby.name()
				+ ": stopping the primary cleanly, promoting the standby", () -> {
					cluster.switchover(standby);
					note(standby.name() + " is the primary; " + former + " is stopped");
					cluster.publish();
					note("Published " + standby.name() + " as the master");
				});
	}

	void killMaster() {
		DemoCluster cluster = local();
		PostgresNode master = cluster.view().primary();
		submit("Killing " + master.name() + " (SIGKILL, as a crash would)", () -> {
			cluster.kill(master);
			List<PostgresNode> candidates = cluster.view().standbys().stream().filter(PostgresNode::isRunning).toList();
			if (candidates.isEmpty()) {
				note(master.name() + " is dead and there is no standby to promote; the charm restarts it in "
						+ FAILOVER_DELAY.toSeconds() + " s");
				Thread.sleep(FAILOVER_DELAY.toMillis());
				cluster.restart(master);
				note(master.name() + " recovered from the crash and runs again");
				return;
			}
			PostgresNode next = candidates.get(0);
			note(master.name() + " is dead; the relation still names it as master until the charm reacts in "
					+ FAILOVER_DELAY.toSeconds() + " s");
			Thread.sleep(FAILOVER_DELAY.toMillis());
			cluster.failover(next);
			note("Promoted " + next.name() + "; the other standbys follow it");
			cluster.publish();
			note("Published " + next.name() + " as the master");
		});
	}

	void rotatePassword() {
		DemoCluster cluster = local();
		submit("Rotating the relation user's password: ALTER ROLE on the primary", () -> {
			cluster.rotatePassword();
			if (cluster.relationInterface() == RelationInterface.POSTGRESQL_CLIENT) {
				note("New revision of secret-user published; in secret-changed the exporter read it "
						+ "(secret-get --refresh) and rewrote the file");
			}
			else {
				note("New password in the master and standbys connection strings; the file is rewritten");
			}
		});
	}

	void useInterface(RelationInterface relationInterface) {
		DemoCluster cluster = local();
		submit("Publishing the relation with the " + relationInterface.jujuName() + " interface on endpoint "
				+ cluster.endpoint(), () -> {
					cluster.useInterface(relationInterface);
					note((relationInterface == RelationInterface.POSTGRESQL_CLIENT)
							? "Wrote the provider's application bag and the content of secret-user and secret-tls"
							: "Wrote the server's bags with master and standbys connection strings");
				});
	}

	void useTls(boolean tls) {
		DemoCluster cluster = local();
		if (tls && cluster.relationInterface() != RelationInterface.POSTGRESQL_CLIENT) {
			throw new IllegalStateException("The pgsql interface publishes no TLS settings; use postgresql_client");
		}
		submit(tls ? "Turning TLS on: tls True and the CA in a new revision of secret-tls"
				: "Turning TLS off: tls False in a new revision of secret-tls", () -> {
					cluster.useTls(tls);
					note(tls ? "Published the CA: new connections verify the servers' certificate"
							: "Published tls False: new connections no longer verify the servers");
				});
	}

	/** Returns the demo's own servers, for a running standby's name. */
	Optional<PostgresNode> runningStandby(String name) {
		return local().standby(name).filter(PostgresNode::isRunning);
	}

	private DemoCluster local() {
		if (this.cluster == null) {
			throw new IllegalStateException("The servers are managed by the PostgreSQL charm, not by this page");
		}
		return this.cluster;
	}

	private void submit(String description, Action action) {
		synchronized (this) {
			if (this.busy) {
				throw new IllegalStateException("Another action is still running");
			}
			this.busy = true;
		}
		note(description);
		this.executor.execute(() -> {
			try {
				action.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				logger.error("Action failed: " + description, ex);
				note("Failed: " + ex.getMessage());
			}
			finally {
				this.busy = false;
			}
		});
	}

	private void note(String message) {
		logger.info(message);
		synchronized (this.log) {
			this.log.addFirst(new LogEntry(Instant.now(), message));
			while (this.log.size() > LOG_SIZE) {
				this.log.removeLast();
			}
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

	/**
	 * One line of what the charm did.
	 *
	 * @param time when
	 * @param message what
	 */
	record LogEntry(Instant time, String message) {

	}

	@FunctionalInterface
	private interface Action {

		void run() throws InterruptedException;

	}

}
