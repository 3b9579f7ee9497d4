package io.github.pgsqlrelation.benchmarks.scenarios;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One cold start of the scenarios' application in its own JVM: it starts, runs
 * {@code SELECT 1} through its {@link JdbcTemplate}, closes, and prints one line,
 * {@value #RESULT} followed by the nanoseconds of {@code SpringApplication.run}, of the
 * query, of the close, the JVM's CPU time (all threads) until then, and the time Spring's
 * start-up recorder gives the starter's own beans (their creation, what they do when
 * created included).
 * <p>
 * Arguments: the class name of the DataSource the application must get (it exits with 1
 * otherwise), then Spring properties as {@code key=value}.
 */
public final class StartupApplication {

	static final String RESULT = "started";

	private static final String STARTER_PACKAGE = "io.github.pgsqlrelation.";

	private static final String BENCHMARKS_PACKAGE = "io.github.pgsqlrelation.benchmarks.";

	private static final String INSTANTIATE = "spring.beans.instantiate";

	private StartupApplication() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> properties = new HashMap<>();
		for (int i = 1; i < args.length; i++) {
			int equals = args[i].indexOf('=');
			properties.put(args[i].substring(0, equals), args[i].substring(equals + 1));
		}
		SpringApplication application = ScenarioApplication.application(properties);
		// The same recorder on both sides: what it costs, each pays.
		BufferingApplicationStartup recorder = new BufferingApplicationStartup(20_000);
		application.setApplicationStartup(recorder);
		long start = System.nanoTime();
		ConfigurableApplicationContext context = application.run();
		long started = System.nanoTime();
		DataSource dataSource = context.getBean(DataSource.class);
		Integer one = context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class);
		long queried = System.nanoTime();
		// Not timed: it is the measurement's own work.
		long starterBeans = starterBeans(context.getBeanFactory(), recorder.getBufferedTimeline().getEvents());
		long closing = System.nanoTime();
		context.close();
		long closed = System.nanoTime();
		long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		// Loaded, not initialised, and only now: the start must not be spared any of its
		// work.
		Class<?> expected = Class.forName(args[0], false, StartupApplication.class.getClassLoader());
		if (!expected.isInstance(dataSource) || one == null || one != 1) {
			System.out.println("The application's DataSource is a " + dataSource.getClass().getName() + ", not a "
					+ expected.getName() + ", or SELECT 1 returned " + one);
			System.exit(1);
		}
		System.out.println(RESULT + " " + (started - start) + " " + (queried - started) + " " + (closed - closing) + " "
				+ cpu + " " + starterBeans);
		System.out.flush();
		System.exit(0);
	}

	/**
	 * Sums the creation of the starter's beans, each counted once: a bean created while
	 * another of the starter's was being created, directly or through other beans, is
	 * inside that one's time.
	 */
	private static long starterBeans(ConfigurableListableBeanFactory beans, List<TimelineEvent> events) {
		Set<Long> starterSteps = new HashSet<>();
		Map<Long, Long> parents = new HashMap<>();
		for (TimelineEvent event : events) {
			StartupStep step = event.getStartupStep();
			if (step.getParentId() != null) {
				parents.put(step.getId(), step.getParentId());
			}
			if (INSTANTIATE.equals(step.getName()) && isStarters(beans, beanName(step))) {
				starterSteps.add(step.getId());
			}
		}
		long nanos = 0;
		for (TimelineEvent event : events) {
			StartupStep step = event.getStartupStep();
			if (starterSteps.contains(step.getId()) && !insideAnother(step.getId(), starterSteps, parents)) {
				nanos += event.getDuration().toNanos();
			}
		}
		return nanos;
	}

	private static boolean insideAnother(long step, Set<Long> starterSteps, Map<Long, Long> parents) {
		for (Long parent = parents.get(step); parent != null; parent = parents.get(parent)) {
			if (starterSteps.contains(parent)) {
				return true;
			}
		}
		return false;
	}

	private static String beanName(StartupStep step) {
		for (StartupStep.Tag tag : step.getTags()) {
			if (tag.getKey().equals("beanName")) {
				return tag.getValue();
			}
		}
		return "";
	}

	private static boolean isStarters(ConfigurableListableBeanFactory beans, String name) {
		if (!beans.containsBeanDefinition(name)) {
			return isStarters(name);
		}
		BeanDefinition definition = beans.getBeanDefinition(name);
		String source = definition.getResourceDescription();
		String type = definition.getBeanClassName();
		return isStarters(name) || (source != null && isStarters(source.replace('/', '.')))
				|| (type != null && isStarters(type));
	}

	/** Whether the text names a class of the starter, not of these benchmarks. */
	private static boolean isStarters(String text) {
		return text.contains(STARTER_PACKAGE) && !text.contains(BENCHMARKS_PACKAGE);
	}

}
