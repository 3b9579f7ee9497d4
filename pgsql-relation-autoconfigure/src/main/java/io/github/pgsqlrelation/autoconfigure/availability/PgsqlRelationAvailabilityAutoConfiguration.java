package io.github.pgsqlrelation.autoconfigure.availability;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationAutoConfiguration;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that ties the application's readiness to the relation: refusing
 * traffic while the relation hands out no master.
 */
@AutoConfiguration(after = { PgsqlRelationAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class })
@ConditionalOnBean({ RelationStateWatcher.class, ApplicationAvailability.class })
public final class PgsqlRelationAvailabilityAutoConfiguration {

	@Bean
	RelationReadiness pgsqlRelationReadiness(RelationStateWatcher watcher, ApplicationAvailability availability,
			ApplicationEventPublisher eventPublisher) {
		RelationReadiness readiness = new RelationReadiness(watcher, availability, eventPublisher);
		watcher.subscribe(readiness);
		return readiness;
	}

}
