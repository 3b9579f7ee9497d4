package io.github.pgsqlrelation.demo;

import java.time.Duration;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Starts a local primary and two standbys, publishes them in a relation state file as a charm
 * would, then runs the web application on it.
 */
@SpringBootApplication
public class DemoApplication {

	private static final Log logger = LogFactory.getLog(DemoApplication.class);

	/** When {@link #main} began, to tell how long the whole start-up took; 0 when not started by it. */
	private static volatile long mainStarted;

	public static void main(String[] args) {
		mainStarted = System.nanoTime();
		System.out.println("Starting a local PostgreSQL primary and two standbys...");
		DemoCluster cluster = DemoCluster.start(2);
		try {
			SpringApplication application = new SpringApplication(DemoApplication.class);
			application.setDefaultProperties(Map.of("pgsql.relation.state-file", cluster.stateFile().toString()));
			application.addInitializers((context) -> register(context, cluster));
			application.run(args);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/** Hands the cluster to the context, which closes it when it closes. */
	static void register(org.springframework.context.ConfigurableApplicationContext context, DemoCluster cluster) {
		((GenericApplicationContext) context).registerBean("demoCluster", DemoCluster.class, () -> cluster);
	}

	@EventListener
	void printUrl(WebServerInitializedEvent event) {
		String host = event.getApplicationContext().getEnvironment().getProperty("server.address", "localhost");
		String startup = (mainStarted != 0)
				? " in " + Duration.ofNanos(System.nanoTime() - mainStarted).toMillis() + " ms" : "";
		logger.info("Demo ready" + startup + ": open http://" + host + ":"
				+ event.getWebServer().getPort() + "/ (relation state file "
				+ event.getApplicationContext().getEnvironment().getProperty("pgsql.relation.state-file") + ")");
	}

}
