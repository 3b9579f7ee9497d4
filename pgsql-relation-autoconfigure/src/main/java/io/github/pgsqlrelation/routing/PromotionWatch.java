package io.github.pgsqlrelation.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

/**
 * Watches the master's failover hosts for a promotion while the master's pool finds no
 * primary. pgjdbc learns that a host became primary only at its next attempt to connect
 * (a new connection to every host, each asked its role), and an attempt every few
 * milliseconds would cost the servers a new backend each time.
 * <p>
 * Instead, for as long as the outage lasts, one connection per failover host that answers
 * (every host after the first, which is the relation's master: a failover leaves it dead,
 * and the pool's attempts find it when it returns) is kept, made as the pool makes its
 * own, and asks {@code SHOW transaction_read_only} every {@value #POLL_MILLIS} ms: a
 * query that costs the server next to nothing, and the very test of pgjdbc's
 * {@code targetServerType=primary} and libpq's {@code target_session_attrs=read-write}.
 * The first connection to answer {@code off} is the new primary's, handed to the pool, so
 * that writes resume within a few milliseconds of the promotion and without a new
 * connection. A failover host that cannot be connected to within
 * {@value #LOGIN_TIMEOUT_SECONDS} s is not asked again during the same outage, and a
 * probe whose server stops answering for as long ends the wait. At rest, and whenever no
 * request waits, there is no probe.
 * <p>
 * Written here because neither pgjdbc nor HikariCP watches for a promotion: pgjdbc's host
 * status cache only remembers what its last attempt saw, and HikariCP retries with a
 * back-off that grows to seconds.
 */
final class PromotionWatch {

	static final long POLL_MILLIS = 10;

	static final int CONNECT_TIMEOUT_SECONDS = 1;

	static final int LOGIN_TIMEOUT_SECONDS = 2 * CONNECT_TIMEOUT_SECONDS;

	/** Opens the probes as the pool opens its own connections. */
	private final Connector connector;

	/** The connections asking, by the URL of their host. */
	private final Map<String, Probe> probes = new LinkedHashMap<>();

	/** What the probes were made with. */
	private @Nullable String url;

	private @Nullable Properties properties;

	/** Hosts that did not answer during this outage: not asked again until it ends. */
	private final Set<String> unreachable = new HashSet<>();

	PromotionWatch(Connector connector) {
		this.connector = connector;
	}

	/**
	 * Waits until a failover host of the given multi-host URL accepts writes, a probe's
	 * server goes away (the next attempt may find a new primary) or the time is up. Runs
	 * on the pool's connection-adding thread, between two attempts.
	 * @param url the master's multi-host URL
	 * @param properties its properties, credentials included
	 * @param timeout how long to wait once the probes are open; opening one takes at most
	 * {@value #LOGIN_TIMEOUT_SECONDS} s, and each host is tried once per outage
	 * @param stop tells to stop waiting, e.g. once no request waits any more
	 * @return a connection to a host that accepts writes now, for the caller to keep or
	 * close; {@code null} when the next attempt is due
	 * @throws InterruptedException when the thread is interrupted
	 */
	@Nullable Connection await(String url, Properties properties, Duration timeout, BooleanSupplier stop)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		openProbes(url, properties);
		if (this.probes.isEmpty()) {
			Thread.sleep(timeout.toMillis());
			return null;
		}
		while (System.nanoTime() - deadline < 0 && !stop.getAsBoolean()) {
			Poll poll = poll();
			if (poll.primary() != null || poll.serverGone()) {
				return poll.primary();
			}
			Thread.sleep(POLL_MILLIS);
		}
		return null;
	}

	/** Closes the probes: the outage is over, or the pool closes. */
	void end() {
		this.probes.values().forEach((probe) -> closeQuietly(probe.connection()));
		this.probes.clear();
		this.unreachable.clear();
	}

	private void openProbes(String url, Properties properties) {
		if (!url.equals(this.url) || properties != this.properties) {
			// The relation changed the hosts or the credentials meanwhile: a probe made
			// before is not to become the master's connection.
			end();
			this.url = url;
			this.properties = properties;
		}
		List<String> hosts = singleHostUrls(url);
		for (String host : hosts.subList(Math.min(1, hosts.size()), hosts.size())) {
			if (this.probes.containsKey(host) || this.unreachable.contains(host)) {
				continue;
			}
			Properties probe = new Properties();
			probe.putAll(properties);
			probe.setProperty(PGProperty.TARGET_SERVER_TYPE.getName(), "any");
			probe.setProperty(PGProperty.CONNECT_TIMEOUT.getName(), String.valueOf(CONNECT_TIMEOUT_SECONDS));
			probe.setProperty(PGProperty.LOGIN_TIMEOUT.getName(), String.valueOf(LOGIN_TIMEOUT_SECONDS));
			Connection connection = null;
			try {
				connection = this.connector.open(host, probe);
				if (connection != null) {
					int networkTimeout = connection.getNetworkTimeout();
					// A host that stops answering must not hold the poll: it ends it
					connection.setNetworkTimeout(Runnable::run, (int) TimeUnit.SECONDS.toMillis(LOGIN_TIMEOUT_SECONDS));
					this.probes.put(host, new Probe(connection, networkTimeout));
				}
			}
			catch (SQLException ex) {
				if (connection != null) {
					closeQuietly(connection);
				}
				this.unreachable.add(host);
			}
		}
	}

	private Poll poll() {
		for (var iterator = this.probes.entrySet().iterator(); iterator.hasNext();) {
			Probe probe = iterator.next().getValue();
			try (Statement statement = probe.connection().createStatement();
					ResultSet result = statement.executeQuery("SHOW transaction_read_only")) {
				if (result.next() && "off".equals(result.getString(1))) {
					// The pool's connections keep the relation's socket timeout
					probe.connection().setNetworkTimeout(Runnable::run, probe.networkTimeout());
					iterator.remove();
					return new Poll(probe.connection(), false);
				}
			}
			catch (SQLException ex) {
				// Its server went away or stopped answering: maybe a switchover, which
				// the next attempt follows.
				closeQuietly(probe.connection());
				iterator.remove();
				return new Poll(null, true);
			}
		}
		return new Poll(null, false);
	}

	/**
	 * Splits {@code jdbc:postgresql://a:1,b:2/db} into {@code jdbc:postgresql://a:1/db}
	 * and {@code jdbc:postgresql://b:2/db}. Bracketed IPv6 addresses hold no comma.
	 */
	static List<String> singleHostUrls(String url) {
		String prefix = "jdbc:postgresql://";
		int end = url.indexOf('/', prefix.length());
		if (!url.startsWith(prefix) || end < 0) {
			return List.of();
		}
		List<String> result = new ArrayList<>();
		for (String host : url.substring(prefix.length(), end).split(",")) {
			result.add(prefix + host + url.substring(end));
		}
		return result;
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// Gone already
		}
	}

	/** Opens a connection as pgjdbc's {@code Driver.connect} does. */
	@FunctionalInterface
	interface Connector {

		/**
		 * Opens a connection.
		 * @return the connection, {@code null} when the URL is not pgjdbc's
		 * @throws SQLException when the connection fails
		 */
		@Nullable Connection open(String url, Properties properties) throws SQLException;

	}

	/**
	 * A connection asking its server's role.
	 *
	 * @param connection the connection, made as the pool makes its own
	 * @param networkTimeout its socket timeout as made, in milliseconds (0: none), to
	 * restore when the pool takes it
	 */
	private record Probe(Connection connection, int networkTimeout) {

	}

	/**
	 * What one round of questions found.
	 *
	 * @param primary the connection of a host that accepts writes, or {@code null}
	 * @param serverGone whether a probe's server went away
	 */
	private record Poll(@Nullable Connection primary, boolean serverGone) {

	}

}
