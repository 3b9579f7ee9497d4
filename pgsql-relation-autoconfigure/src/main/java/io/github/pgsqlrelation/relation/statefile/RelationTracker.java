package io.github.pgsqlrelation.relation.statefile;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationEvents;
import io.github.pgsqlrelation.relation.RelationStateException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Turns what was read from a state file into the relation state in force, the events
 * leading to it and the status: synchronous, with no thread and no I/O, so that tests
 * drive it with bytes. Not thread-safe: one caller at a time.
 * <p>
 * Content that breaks the contract or the {@link StateFilePolicy} never replaces the last
 * good state: the problem goes into the {@link #status()} and is logged once per distinct
 * message (again only after a minute without it), so that a file flapping between good
 * and bad content does not flood the log.
 */
final class RelationTracker {

	// Named after the watcher: to an application, these lines come from following the
	// file.
	private static final Log logger = LogFactory.getLog(RelationStateWatcher.class);

	private final Path file;

	private final String endpoint;

	private final @Nullable String expectedDatabase;

	private final boolean requirePrivate;

	private final Clock clock;

	private final RecentProblems recentProblems = new RecentProblems();

	private RelationStatus status;

	private byte @Nullable [] lastContent;

	/** The problem in force, {@code null} when the last read was good. */
	private @Nullable String problemInForce;

	/** Whether the problem in force was reported (it is not when seen lately). */
	private boolean problemInForceReported;

	/** The permission warning last logged, {@code null} once the file is private. */
	private @Nullable String lastPermissionWarning;

	RelationTracker(Path file, String endpoint, @Nullable String expectedDatabase, boolean requirePrivate,
			Clock clock) {
		this.file = file;
		this.endpoint = endpoint;
		this.expectedDatabase = expectedDatabase;
		this.requirePrivate = requirePrivate;
		this.clock = clock;
		this.status = RelationStatus
			.initial(EndpointRelations.none(endpoint, "relation state file " + file + " has not been read yet"));
	}

	RelationStatus status() {
		return this.status;
	}

	/**
	 * Takes content read from the file.
	 * @return the events of a change (none when the content or the relation is unchanged)
	 * and the problem to report, if any
	 */
	Update read(StateFileContent content) {
		return Objects.requireNonNull(read(content, false));
	}

	/**
	 * Takes content read from a file that may still be written (created in place): good
	 * content is taken as by {@link #read(StateFileContent)}, a problem is neither
	 * recorded nor reported.
	 * @return as {@link #read(StateFileContent)}; {@code null} when the content is not
	 * usable, nothing changed
	 */
	@Nullable Update readTentatively(StateFileContent content) {
		return read(content, true);
	}

	private @Nullable Update read(StateFileContent content, boolean tentative) {
		String refusal = (content.permissions() != null) ? refusal(content.permissions()) : null;
		if (refusal != null) {
			return tentative ? null : failed(refusal);
		}
		if (this.lastContent != null && Arrays.equals(content.bytes(), this.lastContent)) {
			recovered();
			return Update.NONE;
		}
		EndpointRelations next;
		try {
			next = StateFile.parse(content.text(), this.file.toString()).endpoint(this.endpoint, this.expectedDatabase);
		}
		catch (RelationStateException ex) {
			return tentative ? null : failed(ex.getMessage());
		}
		catch (RuntimeException ex) {
			// Whatever the file holds, the last good state stays and the watcher keeps
			// going. The exception's message may quote the content: it is not shown.
			return tentative ? null : failed(
					"Relation state file " + this.file + " could not be read: unexpected " + ex.getClass().getName());
		}
		this.lastContent = content.bytes();
		this.problemInForce = null;
		RelationStatus previous = this.status;
		List<RelationEvent> events = RelationEvents.between(previous.relations(), next);
		this.status = previous.changedTo(next, events.isEmpty() ? previous.lastChange() : this.clock.instant());
		return new Update(events, null, true, events.isEmpty() ? null : previous.relations());
	}

	/**
	 * Logs what a change changed, once it is in force: describing it takes longer than
	 * applying it, and the routing applies it first.
	 */
	void logChange(Update update) {
		EndpointRelations previous = update.previous();
		if (previous != null && logger.isInfoEnabled()) {
			logger.info(RelationChangeDescription.describe(previous, this.status.relations()));
		}
	}

	/**
	 * Takes a failure to read the file at all.
	 * @param message what is wrong, with the file's name; never a password
	 * @return the problem to report, when it is new
	 */
	Update failed(String message) {
		return problem(message) ? new Update(List.of(), message, false, null) : Update.NONE;
	}

	/**
	 * Checks who may read the file: a private file passes; any other passes with a
	 * warning (once per distinct mode), or is refused when private files are required.
	 * @return why the file is refused, {@code null} when it may be used
	 */
	private @Nullable String refusal(Set<PosixFilePermission> permissions) {
		String readableBy = StateFilePermissions.readableBy(permissions);
		if (readableBy == null) {
			this.lastPermissionWarning = null;
			return null;
		}
		if (this.requirePrivate) {
			return StateFilePermissions.refusal(this.file, permissions, readableBy);
		}
		String warning = StateFilePermissions.warning(this.file, permissions, readableBy);
		if (!warning.equals(this.lastPermissionWarning)) {
			this.lastPermissionWarning = warning;
			logger.warn(warning);
		}
		return null;
	}

	/** Records a problem and returns whether it is new, and so was logged. */
	private boolean problem(String message) {
		RelationStatus current = this.status;
		Instant now = this.clock.instant();
		// Until a good state was read, the problem is also why the relation is not ready.
		EndpointRelations relations = (this.lastContent != null) ? current.relations()
				: EndpointRelations.none(this.endpoint, message);
		this.status = new RelationStatus(relations, current.lastChange(), message, now);
		boolean isNew = this.recentProblems.seen(message, now);
		if (!message.equals(this.problemInForce)) {
			this.problemInForce = message;
			this.problemInForceReported = false;
		}
		if (isNew) {
			this.problemInForceReported = true;
			logger.warn(message + ((this.lastContent != null) ? " (keeping the last good relation state)" : ""));
		}
		return isNew;
	}

	private void recovered() {
		if (this.problemInForce != null) {
			if (this.problemInForceReported) {
				logger.info("Relation state file " + this.file + " is readable again, unchanged");
			}
			this.problemInForce = null;
			this.status = this.status.changedTo(this.status.relations(), this.status.lastChange());
		}
	}

	/**
	 * What one read changed.
	 *
	 * @param events the events leading to the new state, in order; empty when nothing
	 * changed
	 * @param reportedProblem a problem seen for the first time lately, to tell observers;
	 * {@code null} when none
	 * @param newContent whether the file held new, valid content
	 * @param previous the relations before the change, {@code null} when nothing changed
	 */
	record Update(List<RelationEvent> events, @Nullable String reportedProblem, boolean newContent,
			@Nullable EndpointRelations previous) {

		static final Update NONE = new Update(List.of(), null, false, null);

		Update {
			events = List.copyOf(events);
		}

	}

}
