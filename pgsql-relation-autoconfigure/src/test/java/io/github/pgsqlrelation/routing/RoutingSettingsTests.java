package io.github.pgsqlrelation.routing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RoutingSettingsTests {

	@Test
	void defaultsFallBackToTheMasterAndRetireWithinThirtySeconds() {
		RoutingSettings defaults = RoutingSettings.defaults();
		assertThat(defaults.readFallbackToMaster()).isTrue();
		assertThat(defaults.retireTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(defaults.standbyConnectionTimeout()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void aStandbyConnectionTimeoutBelowHikarisFloorIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RoutingSettings.defaults().withStandbyConnectionTimeout(Duration.ofMillis(100)))
			.withMessage("standbyConnectionTimeout must be at least 250ms (HikariCP's floor), was PT0.1S");
	}

	@Test
	void aRetireTimeoutMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RoutingSettings.defaults().withRetireTimeout(Duration.ZERO))
			.withMessage("retireTimeout must be positive, was PT0S");
	}

}
