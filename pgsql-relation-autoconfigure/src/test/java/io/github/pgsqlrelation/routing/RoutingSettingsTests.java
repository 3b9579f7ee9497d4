package io.github.pgsqlrelation.routing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RoutingSettingsTests {

	@Test
	void defaultsFallBackToTheMasterAndRetireWithinThirtySeconds() {
		RoutingSettings defaults = RoutingSettings.defaults();
		assertThat(defaults.readFallbackToMaster()).isTrue();
		assertThat(defaults.retireTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(defaults.standbyConnectionTimeout()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void lagAwareRoutingIsOffByDefaultAndProbesEverySecondOnceOn() {
		assertThat(RoutingSettings.defaults().maxStandbyLag()).isNull();
		assertThat(RoutingSettings.defaults().standbyLagProbeInterval()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void readYourWritesIsOffByDefaultAndWaitsASecondOnceOn() {
		assertThat(RoutingSettings.defaults().readYourWrites()).isFalse();
		assertThat(RoutingSettings.defaults().readYourWritesWait()).isEqualTo(Duration.ofSeconds(1));
		assertThat(RoutingSettings.defaults().withReadYourWrites(true).withReadYourWritesWait(Duration.ZERO))
			.satisfies((settings) -> assertThat(settings.readYourWrites()).isTrue())
			.satisfies((settings) -> assertThat(settings.readYourWritesWait()).isZero());
	}

	@Test
	void aReadYourWritesWaitMustNotBeNegative() {
		assertThatExceptionOfType(InvalidRoutingSettingException.class)
			.isThrownBy(() -> RoutingSettings.defaults().withReadYourWritesWait(Duration.ofMillis(-1)))
			.withMessage("readYourWritesWait is negative, was PT-0.001S. "
					+ "Use a duration such as 500ms, or 0 to read from the master at once.")
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("readYourWritesWait"));
	}

	@Test
	void aMaxStandbyLagMustBePositive() {
		assertThatExceptionOfType(InvalidRoutingSettingException.class)
			.isThrownBy(() -> RoutingSettings.defaults().withMaxStandbyLag(Duration.ZERO))
			.withMessage("maxStandbyLag is not positive, was PT0S. Use a positive duration.")
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("maxStandbyLag"));
	}

	@Test
	void aStandbyLagProbeIntervalMustBePositive() {
		assertThatExceptionOfType(InvalidRoutingSettingException.class)
			.isThrownBy(() -> RoutingSettings.defaults().withStandbyLagProbeInterval(Duration.ofSeconds(-1)))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("standbyLagProbeInterval"));
	}

	@Test
	void aStandbyConnectionTimeoutBelowHikarisFloorIsRejected() {
		assertThatExceptionOfType(InvalidRoutingSettingException.class)
			.isThrownBy(() -> RoutingSettings.defaults().withStandbyConnectionTimeout(Duration.ofMillis(100)))
			.withMessage("standbyConnectionTimeout is below HikariCP's floor of 250ms, was PT0.1S. Use 250ms or more.")
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("standbyConnectionTimeout"));
	}

	@Test
	void aRetireTimeoutMustBePositive() {
		assertThatExceptionOfType(InvalidRoutingSettingException.class)
			.isThrownBy(() -> RoutingSettings.defaults().withRetireTimeout(Duration.ZERO))
			.withMessage("retireTimeout is not positive, was PT0S. Use a positive duration.")
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo(Duration.ZERO));
	}

	@Test
	void aHostRecheckMustBeWholeSecondsAsPgjdbcTakesIt() {
		assertThatExceptionOfType(InvalidRoutingSettingException.class)
			.isThrownBy(() -> RoutingSettings.defaults().withHostRecheck(Duration.ofMillis(1500)))
			.withMessageContaining("is not a whole number of seconds");
		assertThat(RoutingSettings.defaults().withHostRecheck(Duration.ZERO).hostRecheck()).isZero();
	}

}
