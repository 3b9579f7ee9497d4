package io.github.pgsqlrelation.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.ConnectionString.Host;
import io.github.pgsqlrelation.connection.ConnectionStringException;
import io.github.pgsqlrelation.connection.JdbcConnection;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

/**
 * Creates one HikariCP pool per backend from the application's pool settings, connecting
 * with the relation's connection strings, and names each pool after its role.
 */
final class PoolFactory {

	private static final String READ_COMMITTED = "TRANSACTION_READ_COMMITTED";

	private static final Pattern UNSAFE_IN_NAMES = Pattern.compile("[^A-Za-z0-9._-]");

	/**
	 * How often the master's pool tries again while writes wait, e.g. for a standby to be
	 * promoted; each try may open a connection to every standby to ask its role.
	 */
	private static final Duration MASTER_RETRY_INTERVAL = Duration.ofMillis(250);

	/** How long the master's pool waits for each host to accept a TCP connection. */
	private static final Duration MASTER_CONNECT_TIMEOUT = Duration.ofSeconds(3);

	private final HikariConfig template;

	private final RoutingSettings settings;

	private final String prefix;

	private final PoolCustomizer customizer;

	private final Set<String> namesInUse = ConcurrentHashMap.newKeySet();

	private final HousekeepingExecutors housekeeping;

	/** Whether new standby pools keep no idle connection until asked. */
	private volatile boolean standbyFillDeferred;

	PoolFactory(HikariConfig template, RoutingSettings settings, String endpoint) {
		this(template, settings, endpoint, PoolCustomizer.NONE);
	}

	PoolFactory(HikariConfig template, RoutingSettings settings, String endpoint, PoolCustomizer customizer) {
		this.template = template;
		this.settings = settings;
		this.customizer = customizer;
		this.prefix = "pgsql-relation-" + sanitize(endpoint);
		this.housekeeping = new HousekeepingExecutors(this.prefix + "-housekeeper-in-reserve");
	}

	/**
	 * Creates the master's pool. It connects to the primary among the master's host and
	 * the standbys' hosts (with the master's credentials), so that writes find a promoted
	 * standby before the relation reports it.
	 */
	BackendPool master(ConnectionString master, List<ConnectionString> standbys) {
		return create(Backend.Role.MASTER, master, masterJdbc(master, standbys), this.template.getConnectionTimeout(),
				MASTER_RETRY_INTERVAL);
	}

	/**
	 * Creates a standby's pool. It connects to that standby only, whatever its role: a
	 * standby that was promoted holds the newest data, so reading from it is never stale,
	 * while the master's pool alone insists on a primary.
	 */
	BackendPool standby(ConnectionString standby) {
		// No retry: a read rather tries the next standby.
		return create(Backend.Role.STANDBY, standby, standbyJdbc(standby), standbyConnectionTimeout(), Duration.ZERO);
	}

	/** Returns how a standby's pool connects: to that standby only. */
	JdbcConnection standbyJdbc(ConnectionString standby) {
		// A standby that does not answer must not hold up the pool longer than a read
		// waits for it.
		String connectTimeout = String.valueOf(Math.max(1, Duration.ofMillis(standbyConnectionTimeout()).toSeconds()));
		return merged(standby.toJdbc(), Map.of(PGProperty.CONNECT_TIMEOUT.getName(), connectTimeout));
	}

	private long standbyConnectionTimeout() {
		return Math.min(this.template.getConnectionTimeout(), this.settings.standbyConnectionTimeout().toMillis());
	}

	/**
	 * Returns how the master's pool connects: master host first, then the standbys'
	 * hosts, each with its own {@code hostaddr} where it has one, so that libpq's meaning
	 * (dial the address, verify the certificate against the name) holds for every host.
	 */
	JdbcConnection masterJdbc(ConnectionString master, List<ConnectionString> standbys) {
		Set<Dialled> hosts = new LinkedHashSet<>(dialled(master));
		for (ConnectionString standby : standbys) {
			hosts.addAll(dialledStandby(standby));
		}
		StringJoiner names = new StringJoiner(",");
		StringJoiner addresses = new StringJoiner(",");
		StringJoiner ports = new StringJoiner(",");
		hosts.forEach((host) -> {
			names.add(host.host().name());
			addresses.add(host.address());
			ports.add(String.valueOf(host.host().port()));
		});
		boolean anyAddress = hosts.stream().anyMatch((host) -> !host.address().isEmpty());
		Map<String, @Nullable String> replacements = new HashMap<>();
		replacements.put("host", names.toString());
		replacements.put("port", ports.toString());
		replacements.put("hostaddr", anyAddress ? addresses.toString() : null);
		// libpq's read-write is exactly pgjdbc's primary.
		replacements.put("target_session_attrs", "read-write");
		// A host that does not answer (a dead machine drops packets) costs each new
		// connection the connect timeout before the next host is tried: keep it short.
		return merged(master.with(replacements).toJdbc(),
				Map.of(PGProperty.HOST_RECHECK_SECONDS.getName(),
						String.valueOf(this.settings.hostRecheck().toSeconds()), PGProperty.CONNECT_TIMEOUT.getName(),
						String.valueOf(MASTER_CONNECT_TIMEOUT.toSeconds())));
	}

	/**
	 * Sets whether the standby pools made from now on keep no idle connection, whatever
	 * the pool settings' minimum-idle, until {@link BackendPool#fill()}.
	 */
	void standbyFillDeferred(boolean deferred) {
		this.standbyFillDeferred = deferred;
	}

	/** Stops the housekeeping thread kept in reserve for the next pool. */
	void close() {
		this.housekeeping.close();
	}

	/** Frees the name of a closed pool for the next pool of that backend. */
	void released(Backend backend) {
		this.namesInUse.remove(backend.name());
	}

	/**
	 * Pairs each host with its {@code hostaddr} entry, empty where it has none (libpq
	 * then resolves the name).
	 */
	private static List<Dialled> dialled(ConnectionString connectionString) {
		List<Host> hosts = connectionString.hosts();
		String hostaddr = connectionString.get("hostaddr");
		String[] addresses = (hostaddr != null && connectionString.get("host") != null) ? hostaddr.split(",", -1)
				: new String[0];
		List<Dialled> result = new ArrayList<>();
		for (int i = 0; i < hosts.size(); i++) {
			result.add(new Dialled(hosts.get(i), (addresses.length == hosts.size()) ? addresses[i] : ""));
		}
		return result;
	}

	private static List<Dialled> dialledStandby(ConnectionString standby) {
		try {
			return dialled(standby).stream()
				.filter((dialled) -> !dialled.host().name().isEmpty() && !dialled.host().name().startsWith("/")
						&& !dialled.host().name().startsWith("@"))
				.toList();
		}
		catch (ConnectionStringException ex) {
			// A standby pool reports its own connection string problem; failover just
			// goes without it.
			return List.of();
		}
	}

	/**
	 * Adds the driver properties of the application's pool settings, then the relation's
	 * own (host, credentials, TLS), which win, then the routing's defaults where neither
	 * says.
	 */
	private JdbcConnection merged(JdbcConnection jdbc, Map<String, String> defaults) {
		Map<String, String> properties = new LinkedHashMap<>();
		this.template.getDataSourceProperties()
			.forEach((key, value) -> properties.put(key.toString(), value.toString()));
		properties.putAll(jdbc.properties());
		defaults.forEach(properties::putIfAbsent);
		return new JdbcConnection(jdbc.url(), properties);
	}

	private BackendPool create(Backend.Role role, ConnectionString connectionString, JdbcConnection jdbc,
			long connectionTimeout, Duration retryInterval) {
		List<Host> hosts = connectionString.hosts();
		String address = hosts.isEmpty() ? "?" : hosts.get(0).name() + ":" + hosts.get(0).port();
		String name = reserveName(role, hosts);
		Backend backend = new Backend(role, name, address, connectionString.toString());
		BackendDataSource connections = new BackendDataSource(jdbc, retryInterval);
		HikariConfig config = new HikariConfig();
		this.template.copyStateTo(config);
		this.customizer.customize(backend, config);
		config.setPoolName(name);
		config.setDataSource(connections);
		config.setJdbcUrl(null);
		config.setDataSourceClassName(null);
		config.setDataSourceJNDI(null);
		config.setCredentials(Credentials.of(null, null));
		config.setConnectionTimeout(connectionTimeout);
		// Never fail, nor block, at creation when the server is down: the pool connects
		// when asked.
		config.setInitializationFailTimeout(-1);
		int minimumIdle = config.getMinimumIdle();
		if (role == Backend.Role.STANDBY && this.standbyFillDeferred) {
			config.setMinimumIdle(0);
		}
		// The application's own override (set as an instance or a class name) still
		// decides.
		ServerGoneEviction eviction = new ServerGoneEviction(config.getExceptionOverride());
		config.setExceptionOverride(eviction);
		if (config.getTransactionIsolation() == null) {
			// The routing DataSource promises Spring this default without connecting;
			// make it true.
			config.setTransactionIsolation(READ_COMMITTED);
		}
		// Unless the application brings its own threads.
		ScheduledExecutorService housekeeper = (config.getScheduledExecutor() == null
				&& config.getThreadFactory() == null) ? this.housekeeping.take(name) : null;
		config.setScheduledExecutor(housekeeper);
		try {
			HikariDataSource pool = new HikariDataSource(config);
			connections.pool(pool.getHikariPoolMXBean());
			eviction.pool(pool.getHikariPoolMXBean());
			if (role == Backend.Role.MASTER && housekeeper != null && pool.getMinimumIdle() > 0) {
				// Writes come first: the master's first connection is opened at once.
				connections.connectAhead(housekeeper);
			}
			return new BackendPool(backend, connectionString, pool, connections, housekeeper, minimumIdle);
		}
		catch (RuntimeException ex) {
			this.namesInUse.remove(name);
			if (housekeeper != null) {
				housekeeper.shutdownNow();
			}
			throw ex;
		}
	}

	/**
	 * Names a pool after its role and, for a standby, its address. While a pool of the
	 * same backend drains, the new one gets a numbered name: metrics and JMX need unique
	 * names.
	 */
	private String reserveName(Backend.Role role, List<Host> hosts) {
		String base = this.prefix + "-" + role.label();
		if (role == Backend.Role.STANDBY && !hosts.isEmpty()) {
			base = base + "-" + sanitize(hosts.get(0).name()) + "-" + hosts.get(0).port();
		}
		String name = base;
		for (int number = 2; !this.namesInUse.add(name); number++) {
			name = base + "-" + number;
		}
		return name;
	}

	/** Keeps names safe for JMX object names and metric tags. */
	private static String sanitize(String text) {
		return UNSAFE_IN_NAMES.matcher(text).replaceAll("-");
	}

	/**
	 * A host as libpq dials it.
	 *
	 * @param host the host name and port, the name being what the certificate must match
	 * @param address the {@code hostaddr} to connect to, empty to resolve the name
	 */
	private record Dialled(Host host, String address) {

	}

}
