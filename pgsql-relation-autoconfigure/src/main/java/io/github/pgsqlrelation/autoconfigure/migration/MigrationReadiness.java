package io.github.pgsqlrelation.autoconfigure.migration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;

/**
 * Keeps the application {@link ReadinessState#REFUSING_TRAFFIC refusing traffic} until
 * its schema migrations have succeeded: whoever declares it ready before (Spring Boot at
 * start-up, the relation's readiness when a master comes) is answered with a refusal,
 * which this takes back once the migrations are done. It only takes back a refusal of its
 * own.
 */
final class MigrationReadiness {

	private static final Log logger = LogFactory.getLog(MigrationReadiness.class);

	private final RelationMigrations migrations;

	private final ApplicationAvailability availability;

	private final ApplicationEventPublisher eventPublisher;

	MigrationReadiness(RelationMigrations migrations, ApplicationAvailability availability,
			ApplicationEventPublisher eventPublisher) {
		this.migrations = migrations;
		this.availability = availability;
		this.eventPublisher = eventPublisher;
		migrations.addListener(this::migrationsChanged);
	}

	// Synchronized with migrationsChanged(): a refusal decided on "not done yet" is
	// published before the end of the migrations is looked at, so it is always taken
	// back.
	@EventListener
	synchronized void onReadinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && event.getSource() != this
				&& !this.migrations.allSucceeded()) {
			logger.info("Schema migrations have not succeeded yet: refusing traffic");
			AvailabilityChangeEvent.publish(this.eventPublisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	synchronized void migrationsChanged() {
		if (this.migrations.allSucceeded() && this.migrations.masterAvailable() && refusedByUs()) {
			logger.info("Schema migrations succeeded: accepting traffic");
			AvailabilityChangeEvent.publish(this.eventPublisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	private boolean refusedByUs() {
		AvailabilityChangeEvent<ReadinessState> last = this.availability.getLastChangeEvent(ReadinessState.class);
		return last != null && last.getState() == ReadinessState.REFUSING_TRAFFIC && last.getSource() == this;
	}

}
