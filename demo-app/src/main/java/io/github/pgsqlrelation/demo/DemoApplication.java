package io.github.pgsqlrelation.demo;

import java.time.Duration;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Runs the demo. Deployed by a charm, which sets {@code pgsql.relation.state-file} (e.g.
 * as {@code PGSQL_RELATION_STATE_FILE}), it follows the charm's relation. Otherwise it
 * first starts a local primary and two standbys, publishes them in a relation state file
 * as a charm would, with the interface {@code --interface} names ({@code pgsql}, the
 * default, on endpoint {@code db}; {@code postgresql_client} on endpoint
 * {@code database}), and its page plays the charm.
 */
@SpringBootApplication
public class DemoApplication {

	static final String STATE_FILE_PROPERTY = "pgsql.relation.state-file";

	static final String ENDPOINT_PROPERTY = "pgsql.relation.endpoint";

	/** The command line option naming the interface the demo's charm starts with. */
	static final String INTERFACE_OPTION = "interface";

	private static final Log logger = LogFactory.getLog(DemoApplication.class);

	/**
	 * When {@link #main} began, to tell how long the whole start-up took; 0 when not
	 * started by it.
	 */
	private static volatile long mainStarted;

	public static void main(String[] args) {
		mainStarted = System.nanoTime();
		SpringApplication application = new SpringApplication(DemoApplication.class);
		if (stateFileConfigured(args)) {
			application.run(args);
			return;
		}
		RelationInterface relationInterface;
		try {
			relationInterface = relationInterface(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("--" + INTERFACE_OPTION + ": " + ex.getMessage());
			System.exit(2);
			return;
		}
		System.out.println("Starting a local PostgreSQL primary and two standbys, published with the "
				+ relationInterface.jujuName() + " interface...");
		DemoCluster cluster = DemoCluster.start(2, relationInterface);
		try {
			// The page's buttons kill servers: it is for this machine only.
			application.setDefaultProperties(Map.of(STATE_FILE_PROPERTY, cluster.stateFile().toString(),
					ENDPOINT_PROPERTY, cluster.endpoint(), "server.address", "127.0.0.1"));
			application.addInitializers((context) -> register(context, cluster));
			application.run(args);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Whether the command line, a system property or the environment names a state file.
	 */
	private static boolean stateFileConfigured(String[] args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		return environment.containsProperty(STATE_FILE_PROPERTY);
	}

	/**
	 * Returns the interface the command line names ({@code --interface=postgresql_client}
	 * or {@code --demo.interface=...}), {@code pgsql} when it names none.
	 * @throws IllegalArgumentException for an interface the demo does not know
	 */
	static RelationInterface relationInterface(String[] args) {
		SimpleCommandLinePropertySource commandLine = new SimpleCommandLinePropertySource(args);
		for (String name : new String[] { INTERFACE_OPTION, "demo." + INTERFACE_OPTION }) {
			if (commandLine.containsProperty(name)) {
				return RelationInterface.of(String.valueOf(commandLine.getProperty(name)));
			}
		}
		return RelationInterface.PGSQL;
	}

	/** Hands the cluster to the context, which closes it when it closes. */
	private static void register(ConfigurableApplicationContext context, DemoCluster cluster) {
		((GenericApplicationContext) context).registerBean("demoCluster", DemoCluster.class, () -> cluster);
	}

	@EventListener
	void printUrl(WebServerInitializedEvent event) {
		String host = event.getApplicationContext().getEnvironment().getProperty("server.address", "localhost");
		String startup = (mainStarted != 0)
				? " in " + Duration.ofNanos(System.nanoTime() - mainStarted).toMillis() + " ms" : "";
		logger.info("Demo ready" + startup + ": open http://" + host + ":" + event.getWebServer().getPort()
				+ "/ (relation state file "
				+ event.getApplicationContext().getEnvironment().getProperty(STATE_FILE_PROPERTY) + ")");
	}

}
