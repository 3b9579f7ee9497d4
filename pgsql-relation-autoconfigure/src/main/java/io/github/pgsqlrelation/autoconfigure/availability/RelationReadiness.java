package io.github.pgsqlrelation.autoconfigure.availability;

import io.github.pgsqlrelation.relation.RelationListener;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;

/**
 * Refuses traffic while the relation hands out no master and accepts it again when a
 * master comes, as soon as the watcher applies a change and before the change's events
 * reach the application. Spring Boot declares the application ready once it has started,
 * whatever the relation says: this answers that declaration with
 * {@link ReadinessState#REFUSING_TRAFFIC} when there is no master. It only takes back a
 * refusal of its own, never one of the application's.
 */
final class RelationReadiness implements RelationListener {

	private static final Log logger = LogFactory.getLog(RelationReadiness.class);

	private final RelationStateWatcher watcher;

	private final ApplicationAvailability availability;

	private final ApplicationEventPublisher eventPublisher;

	RelationReadiness(RelationStateWatcher watcher, ApplicationAvailability availability,
			ApplicationEventPublisher eventPublisher) {
		this.watcher = watcher;
		this.availability = availability;
		this.eventPublisher = eventPublisher;
	}

	@Override
	public void relationChanged(RelationSnapshot snapshot) {
		if (snapshot.master() == null) {
			refuse(snapshot);
		}
		else if (refusedByUs()) {
			logger.info("Endpoint '" + snapshot.endpoint() + "' has a master again: accepting traffic");
			AvailabilityChangeEvent.publish(this.eventPublisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	// Runs after Spring Boot's own availability listener has taken the event in: the
	// refusal published here is the last word.
	@EventListener
	void onReadinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && event.getSource() != this) {
			RelationSnapshot snapshot = this.watcher.current();
			if (snapshot.master() == null) {
				publishRefusal(snapshot);
			}
		}
	}

	private void refuse(RelationSnapshot snapshot) {
		if (this.availability.getReadinessState() != ReadinessState.REFUSING_TRAFFIC) {
			publishRefusal(snapshot);
		}
	}

	private void publishRefusal(RelationSnapshot snapshot) {
		String reason = snapshot.readiness().reason();
		logger.info("Endpoint '" + snapshot.endpoint() + "' has no master"
				+ ((reason != null) ? " (" + reason + ")" : "") + ": refusing traffic");
		AvailabilityChangeEvent.publish(this.eventPublisher, this, ReadinessState.REFUSING_TRAFFIC);
	}

	private boolean refusedByUs() {
		AvailabilityChangeEvent<ReadinessState> last = this.availability.getLastChangeEvent(ReadinessState.class);
		return last != null && last.getState() == ReadinessState.REFUSING_TRAFFIC && last.getSource() == this;
	}

}
