package io.github.pgsqlrelation.autoconfigure.migration;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pgsqlrelation.autoconfigure.migration.MigrationStatus.State;
import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RelationMigrations}.
 */
class RelationMigrationsTests {

	private static final RelationSnapshot MASTER = new RelationSnapshot("db", null,
			ConnectionString.parse("host=10.0.0.5 dbname=app user=app"), List.of(), "app", null, Readiness.READY);

	private static final RelationSnapshot NEW_MASTER = new RelationSnapshot("db", null,
			ConnectionString.parse("host=10.0.0.6 dbname=app user=app"), List.of(), "app", null, Readiness.READY);

	private static final RelationSnapshot NO_MASTER = RelationSnapshot.empty("db",
			Readiness.notReady("egress not allowed"));

	private RelationMigrations migrations;

	@AfterEach
	void close() throws InterruptedException {
		this.migrations.destroy();
	}

	@Test
	void withAMasterMigrationsRunAtOnceAndAFailureIsThrown() {
		this.migrations = new RelationMigrations(MASTER.master(), Clock.systemUTC());
		AtomicInteger runs = new AtomicInteger();
		this.migrations.runOrDefer("Flyway", runs::incrementAndGet);
		assertThat(runs).hasValue(1);
		assertThat(this.migrations.allSucceeded()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> this.migrations.runOrDefer("Liquibase", () -> {
			throw new IllegalStateException("changelog broken");
		})).withMessage("changelog broken");
		assertThat(this.migrations.status()).extracting(MigrationStatus::state)
			.containsExactly(State.SUCCEEDED, State.FAILED);
	}

	@Test
	void withoutAMasterMigrationsWaitAndRunWhenOneComes() {
		this.migrations = new RelationMigrations(null, Clock.systemUTC());
		AtomicInteger runs = new AtomicInteger();
		this.migrations.runOrDefer("Flyway", runs::incrementAndGet);
		assertThat(runs).hasValue(0);
		assertThat(this.migrations.status()).singleElement()
			.extracting(MigrationStatus::state)
			.isEqualTo(State.WAITING_FOR_MASTER);
		this.migrations.relationChanged(NO_MASTER);
		assertThat(runs).hasValue(0);
		this.migrations.relationChanged(MASTER);
		await().atMost(Duration.ofSeconds(10)).until(this.migrations::allSucceeded);
		assertThat(runs).hasValue(1);
		this.migrations.relationChanged(MASTER);
		assertThat(runs).hasValue(1);
	}

	@Test
	void failedMigrationIsReportedAndRunAgainAtTheNextChangeOfMaster() {
		this.migrations = new RelationMigrations(null, Clock.systemUTC());
		AtomicInteger runs = new AtomicInteger();
		AtomicInteger changes = new AtomicInteger();
		this.migrations.addListener(changes::incrementAndGet);
		this.migrations.runOrDefer("Flyway", () -> {
			if (runs.incrementAndGet() == 1) {
				throw new IllegalStateException("V2 failed", new IllegalArgumentException("column x exists"));
			}
		});
		this.migrations.relationChanged(MASTER);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.migrations.status()).singleElement()
				.satisfies((status) -> assertThat(status.state()).isEqualTo(State.FAILED))
				.satisfies((status) -> assertThat(status.error()).isEqualTo("V2 failed: column x exists")));
		assertThat(this.migrations.allSucceeded()).isFalse();
		this.migrations.relationChanged(MASTER);
		assertThat(runs).as("the same master again is no change").hasValue(1);
		this.migrations.relationChanged(NEW_MASTER);
		await().atMost(Duration.ofSeconds(10)).until(this.migrations::allSucceeded);
		assertThat(runs).hasValue(2);
		assertThat(changes.get()).isGreaterThanOrEqualTo(4);
	}

}
