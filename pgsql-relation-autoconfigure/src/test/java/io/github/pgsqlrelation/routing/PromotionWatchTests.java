package io.github.pgsqlrelation.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromotionWatch}; the watch itself against a real promotion is in
 * {@link BackendDataSourceTests}.
 */
class PromotionWatchTests {

	@Test
	void aMultiHostUrlIsSplitIntoOneUrlPerHostKeepingDatabaseAndParameters() {
		assertThat(PromotionWatch.singleHostUrls("jdbc:postgresql://10.0.0.1:5432,[fd00::2]:5433/my%20db?ssl=true"))
			.containsExactly("jdbc:postgresql://10.0.0.1:5432/my%20db?ssl=true",
					"jdbc:postgresql://[fd00::2]:5433/my%20db?ssl=true");
	}

	@Test
	void aUrlThatIsNotPgjdbcsMultiHostFormGivesNoHost() {
		assertThat(PromotionWatch.singleHostUrls("jdbc:postgresql:app")).isEmpty();
	}

}
