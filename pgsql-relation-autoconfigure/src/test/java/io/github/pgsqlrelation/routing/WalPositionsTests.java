package io.github.pgsqlrelation.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WalPositionsTests {

	private static final int BLOCK = 8192;

	@Test
	void anInsertPositionInsideAPageIsTheBound() {
		assertThat(WalPositions.commitUpperBound(5 * BLOCK + 1000, BLOCK)).isEqualTo(5 * BLOCK + 1000);
	}

	@Test
	void anInsertPositionPastAPageHeaderIsBoundedByThePageStartWhereReplayStops() {
		assertThat(WalPositions.commitUpperBound(5 * BLOCK + 24, BLOCK)).isEqualTo(5 * BLOCK);
	}

	@Test
	void anInsertPositionPastASegmentsLongPageHeaderIsBoundedByTheSegmentStart() {
		long segment = 16L * 1024 * 1024;
		assertThat(WalPositions.commitUpperBound(3 * segment + 40, BLOCK)).isEqualTo(3 * segment);
	}

	@Test
	void aPositionIsFormattedAsPostgresqlShowsAPgLsn() {
		assertThat(WalPositions.format(0x3000060L)).isEqualTo("0/3000060");
		assertThat(WalPositions.format((0x1AL << 32) + 0xB0L)).isEqualTo("1A/B0");
		assertThat(WalPositions.format(WritePosition.UNKNOWN)).isEqualTo("unknown");
	}

}
