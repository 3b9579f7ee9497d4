package io.github.pgsqlrelation.autoconfigure.metrics;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.relation.RelationStateWatcher;
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

	@Bean
	static PoolMetricsPostProcessor pgsqlRelationPoolMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
		return new PoolMetricsPostProcessor(registry);
	}

	@Bean
	RoutingMetrics pgsqlRelationRoutingMetrics(MeterRegistry registry, RelationStateWatcher watcher) {
		return new RoutingMetrics(registry, watcher.status().state().endpoint());
	}

	@Bean
	RelationMetrics pgsqlRelationMetrics(MeterRegistry registry, RelationStateWatcher watcher) {
		return new RelationMetrics(registry, watcher);
	}

}
