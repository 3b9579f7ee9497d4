package io.github.pgsqlrelation.autoconfigure.metrics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.github.pgsqlrelation.autoconfigure.PgsqlRelationProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Gives the pool settings every routing pool starts from HikariCP's Micrometer tracker,
 * so that each pool registers its {@code hikaricp.*} meters (tag {@code pool}) when it is
 * created and removes them when it closes. Done on the bound properties, before the
 * routing copies them.
 */
final class PoolMetricsPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<MeterRegistry> registry;

	PoolMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof PgsqlRelationProperties properties) {
			HikariConfig pool = properties.getPool();
			// Settings of the application's own (a tracker, a Dropwizard registry) win.
			if (pool.getMetricsTrackerFactory() == null && pool.getMetricRegistry() == null) {
				// The registry is asked for when the first pool starts, not while
				// beans are still being post-processed.
				pool.setMetricsTrackerFactory(
						(poolName, poolStats) -> new MicrometerMetricsTrackerFactory(this.registry.getObject())
							.create(poolName, poolStats));
			}
		}
		return bean;
	}

}
