package io.github.pgsqlrelation.relation.statefile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.github.pgsqlrelation.relation.DatabaseAvailableEvent;
import io.github.pgsqlrelation.relation.DatabaseChangedEvent;
import io.github.pgsqlrelation.relation.DatabaseRelationJoinedEvent;
import io.github.pgsqlrelation.relation.MasterAvailableEvent;
import io.github.pgsqlrelation.relation.MasterChangedEvent;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.StandbyAvailableEvent;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import io.github.pgsqlrelation.relation.statefile.RelationTracker.Update;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static io.github.pgsqlrelation.relation.statefile.StateFiles.file;
import static io.github.pgsqlrelation.relation.statefile.StateFiles.resolved;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker is a function from content to state, events and status: driven here with
 * bytes and a clock, without a thread or a file.
 */
class RelationTrackerTests {

	private static final Path FILE = Path.of("/var/lib/app/pgsql-relation.json");

	private static final Set<PosixFilePermission> PRIVATE = Set.of(PosixFilePermission.OWNER_READ,
			PosixFilePermission.OWNER_WRITE);

	private static final Set<PosixFilePermission> WORLD_READABLE = Set.of(PosixFilePermission.OWNER_READ,
			PosixFilePermission.OWNER_WRITE, PosixFilePermission.OTHERS_READ);

	private final MutableClock clock = new MutableClock();

	private final RelationTracker tracker = new RelationTracker(FILE, "db", null, false, this.clock);

	@Test
	void beforeAnyReadTheRelationIsNotReadyAndSaysWhy() {
		assertThat(this.tracker.status().effective().readiness().status()).isEqualTo(Readiness.Status.NO_RELATION);
		assertThat(this.tracker.status().effective().readiness().reason())
			.isEqualTo("relation state file " + FILE + " has not been read yet");
		assertThat(this.tracker.status().lastChange()).isNull();
	}

	@Test
	void firstContentYieldsTheEventsOfTheWholeRelationInTheLibrarysOrder() {
		Update update = this.tracker.read(content(file(resolved(7, "postgresql", "host=m", "host=s"))));
		assertThat(update.events()).extracting(RelationEvent::getClass)
			.containsExactly(DatabaseRelationJoinedEvent.class, MasterAvailableEvent.class, MasterChangedEvent.class,
					StandbyAvailableEvent.class, StandbyChangedEvent.class, DatabaseAvailableEvent.class,
					DatabaseChangedEvent.class);
		assertThat(update.newContent()).isTrue();
		assertThat(update.reportedProblem()).isNull();
		assertThat(this.tracker.status().effective().master().get("host")).isEqualTo("m");
		assertThat(this.tracker.status().lastChange()).isEqualTo(this.clock.instant());
	}

	@Test
	void sameBytesAgainChangeNothing() {
		this.tracker.read(content(file(resolved(7, "postgresql", "host=m"))));
		Instant firstChange = this.tracker.status().lastChange();
		this.clock.advance(Duration.ofSeconds(5));
		Update again = this.tracker.read(content(file(resolved(7, "postgresql", "host=m"))));
		assertThat(again.events()).isEmpty();
		assertThat(again.newContent()).isFalse();
		assertThat(this.tracker.status().lastChange()).isEqualTo(firstChange);
	}

	@Test
	void newBytesWithTheSameRelationAreReadButAnnounceNothing() {
		this.tracker.read(content(file(resolved(7, "postgresql", "host=m", "host=a", "host=b"))));
		Update reordered = this.tracker.read(content(file(resolved(7, "postgresql", "host=m", "host=b", "host=a"))));
		assertThat(reordered.newContent()).isTrue();
		assertThat(reordered.events()).isEmpty();
	}

	@Test
	void aMasterChangeYieldsOnlyTheMastersEvents() {
		this.tracker.read(content(file(resolved(7, "postgresql", "host=m", "host=s"))));
		this.clock.advance(Duration.ofSeconds(1));
		Update update = this.tracker.read(content(file(resolved(7, "postgresql", "host=s", "host=m"))));
		assertThat(update.events()).extracting(RelationEvent::getClass)
			.containsExactly(MasterChangedEvent.class, StandbyChangedEvent.class, DatabaseChangedEvent.class);
		assertThat(this.tracker.status().lastChange()).isEqualTo(this.clock.instant());
	}

	@Test
	void badContentKeepsTheLastGoodStateAndIsReportedOnce() {
		this.tracker.read(content(file(resolved(7, "postgresql", "host=m"))));
		Update first = this.tracker.read(content("{\"version\": 1, \"relations\": ["));
		assertThat(first.events()).isEmpty();
		assertThat(first.reportedProblem()).startsWith(FILE + ": is truncated or not valid JSON");
		assertThat(this.tracker.status().problem()).isEqualTo(first.reportedProblem());
		assertThat(this.tracker.status().effective().master().get("host")).isEqualTo("m");
		this.clock.advance(Duration.ofSeconds(10));
		Update second = this.tracker.read(content("{\"version\": 1, \"relations\": ["));
		assertThat(second.reportedProblem()).isNull();
		this.clock.advance(RecentProblems.MEMORY);
		assertThat(this.tracker.read(content("{\"version\": 1, \"relations\": [")).reportedProblem()).isNotNull();
	}

	@Test
	void goodContentAfterAProblemClearsIt() {
		this.tracker.read(content(file(resolved(7, "postgresql", "host=m"))));
		this.tracker.failed("Relation state file " + FILE + " does not exist");
		assertThat(this.tracker.status().problem()).isNotNull();
		this.tracker.read(content(file(resolved(7, "postgresql", "host=m"))));
		assertThat(this.tracker.status().problem()).isNull();
	}

	@Test
	void aProblemBeforeAnyGoodReadIsAlsoWhyTheRelationIsNotReady() {
		Update update = this.tracker.failed("Relation state file " + FILE + " does not exist");
		assertThat(update.reportedProblem()).isEqualTo("Relation state file " + FILE + " does not exist");
		assertThat(this.tracker.status().effective().readiness().reason())
			.isEqualTo("Relation state file " + FILE + " does not exist");
	}

	@Test
	void aFileOthersMayReadIsUsedUnlessPrivateFilesAreRequired() {
		String json = file(resolved(7, "postgresql", "host=m"));
		assertThat(this.tracker.read(content(json, WORLD_READABLE)).events()).isNotEmpty();
		RelationTracker strict = new RelationTracker(FILE, "db", null, true, this.clock);
		Update refused = strict.read(content(json, WORLD_READABLE));
		assertThat(refused.events()).isEmpty();
		assertThat(refused.reportedProblem()).contains("chmod 600");
		assertThat(strict.status().effective().master()).isNull();
		assertThat(strict.read(content(json, PRIVATE)).events()).isNotEmpty();
	}

	@Test
	void anotherDatabaseThanExpectedIsNotReady() {
		RelationTracker expectingApp = new RelationTracker(FILE, "db", "app", false, this.clock);
		expectingApp.read(content(file(resolved(7, "postgresql", "host=m dbname=other"))));
		assertThat(expectingApp.status().effective().readiness().reason())
			.contains("is for database 'other' but database 'app' is expected");
	}

	private static StateFileContent content(String json) {
		return content(json, PRIVATE);
	}

	private static StateFileContent content(String json, @Nullable Set<PosixFilePermission> permissions) {
		return new StateFileContent(json.getBytes(StandardCharsets.UTF_8), json, permissions);
	}

}
