package io.github.pgsqlrelation.autoconfigure.metrics;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.github.pgsqlrelation.routing.PoolCustomizer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the relation's Micrometer metrics: HikariCP's own meters for
 * every pool the routing creates (removed when the pool closes), read routing counters,
 * and the relation's state.
 */
@AutoConfiguration(after = PgsqlRelationAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, RelationStateWatcher.class })
public final class PgsqlRelationMetricsAutoConfiguration {

	/**
	 * Gives every routing pool HikariCP's Micrometer tracker, so that each pool registers
	 * its {@code hikaricp.*} meters (tag {@code pool}) when it is created and removes
	 * them when it closes.
	 */
	@Bean
	PoolCustomizer pgsqlRelationPoolMetrics(ObjectProvider<MeterRegistry> registry) {
		return (backend, config) -> {
			// Settings of the application's own (a tracker, a Dropwizard registry) win.
			if (config.getMetricsTrackerFactory() == null && config.getMetricRegistry() == null) {
				// The registry is asked for when the pool starts, so that this bean does
				// not pull the registry (and what it binds) into the DataSource's
				// creation.
				config.setMetricsTrackerFactory(
						(poolName, poolStats) -> new MicrometerMetricsTrackerFactory(registry.getObject())
							.create(poolName, poolStats));
			}
		};
	}

	@Bean
	RoutingMetrics pgsqlRelationRoutingMetrics(MeterRegistry registry, RelationStateWatcher watcher) {
		return new RoutingMetrics(registry, watcher.settings().endpoint());
	}

	@Bean
	RelationMetrics pgsqlRelationMetrics(MeterRegistry registry, RelationStateWatcher watcher) {
		return new RelationMetrics(registry, watcher);
	}

}
