package io.github.pgsqlrelation.routing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lag decision, without a server.
 */
class StandbyLagTests {

	private static final Duration MAX = Duration.ofSeconds(1);

	@Test
	void aStandbyThatReplayedTheMastersPositionHasNoLagHoweverOldItsLastTransaction() {
		StandbyLag lag = StandbyLag.measured(new StandbyLag(Duration.ofSeconds(9), true), true, true, null, 3600.0,
				MAX);
		assertThat(lag).isEqualTo(new StandbyLag(Duration.ZERO, false));
	}

	@Test
	void aStandbyBehindTheMasterLagsByTheAgeOfItsLastReplayedTransaction() {
		StandbyLag lag = StandbyLag.measured(StandbyLag.UNKNOWN, true, false, null, 3.5, MAX);
		assertThat(lag).isEqualTo(new StandbyLag(Duration.ofMillis(3500), true));
	}

	@Test
	void aStandbyBehindTheMasterWithinTheLimitIsNotSkipped() {
		StandbyLag lag = StandbyLag.measured(new StandbyLag(Duration.ofSeconds(5), true), true, false, null, 0.25, MAX);
		assertThat(lag).isEqualTo(new StandbyLag(Duration.ofMillis(250), false));
	}

	@Test
	void aLagOfExactlyTheLimitIsNotSkipped() {
		assertThat(StandbyLag.measured(StandbyLag.UNKNOWN, true, false, null, 1.0, MAX).lagging()).isFalse();
	}

	@Test
	void theTimeSinceAnEarlierReplayedMasterPositionBoundsTheLagOfARarelyWritingMaster() {
		// A commit after a minute of quiet, probed before the standby replayed it: the
		// last
		// replayed commit is a minute old, but everything the master had written 200ms
		// ago
		// is replayed.
		StandbyLag lag = StandbyLag.measured(StandbyLag.UNKNOWN, true, false, Duration.ofMillis(200), 60.0, MAX);
		assertThat(lag).isEqualTo(new StandbyLag(Duration.ofMillis(200), false));
	}

	@Test
	void theAgeOfTheLastReplayedTransactionCountsWhenItIsTheSmallerBound() {
		StandbyLag lag = StandbyLag.measured(StandbyLag.UNKNOWN, true, false, Duration.ofSeconds(2), 1.5, MAX);
		assertThat(lag).isEqualTo(new StandbyLag(Duration.ofMillis(1500), true));
	}

	@Test
	void aPromotedStandbyHasNoLag() {
		StandbyLag lag = StandbyLag.measured(new StandbyLag(Duration.ofSeconds(5), true), false, false, null, null,
				MAX);
		assertThat(lag).isEqualTo(new StandbyLag(Duration.ZERO, false));
	}

	@Test
	void aLagThatCannotBeToldKeepsThePreviousVerdict() {
		assertThat(StandbyLag.measured(new StandbyLag(Duration.ofSeconds(5), true), true, false, null, null, MAX))
			.isEqualTo(new StandbyLag(null, true));
		assertThat(StandbyLag.measured(StandbyLag.UNKNOWN, true, false, null, null, MAX))
			.isEqualTo(new StandbyLag(null, false));
	}

	@Test
	void aClockAheadOnTheMasterIsNoNegativeLag() {
		assertThat(StandbyLag.measured(StandbyLag.UNKNOWN, true, false, null, -0.2, MAX))
			.isEqualTo(new StandbyLag(Duration.ZERO, false));
	}

}
