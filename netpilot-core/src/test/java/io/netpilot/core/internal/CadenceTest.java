package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.ManagerSettings;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CadenceTest {
    private static final ManagerSettings DEFAULTS = ManagerSettings.DEFAULTS; // every 1 s, 2 s timeout: 3 s budget
    /** The settings' interval; their timeout less a twelfth of the budget, so a dead path leaves UP within the 3 s. */
    private static final Cadence PATIENT = new Cadence(Duration.ofSeconds(1), Duration.ofMillis(1750));

    private static Cadence of(TunnelState state, boolean passed, long rttMillis) {
        return Cadence.of(DEFAULTS, state, passed, Optional.of(Duration.ofMillis(rttMillis)));
    }

    @Test
    void aHealthyFastTunnelIsProbedLessOftenWithinTheSameBudget() {
        assertThat(of(TunnelState.UP, true, 12)).isEqualTo(new Cadence(Duration.ofMillis(1750), Duration.ofSeconds(1)));
    }

    @Test
    void aSlowerHealthyTunnelGetsTenRoundTripsAndTheRestOfTheBudget() {
        Cadence c = of(TunnelState.UP, true, 150);
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.interval().plus(c.timeout())).as("the detection budget less its margin").isEqualTo(Duration.ofMillis(2750));
    }

    @Test
    void everyOtherTunnelKeepsThePatientCadenceOfTheSettings() {
        assertThat(of(TunnelState.UP, true, 180)).as("ten round trips would exceed the patient timeout").isEqualTo(PATIENT);
        assertThat(of(TunnelState.UP, false, 12)).as("its last probe failed").isEqualTo(PATIENT);
        assertThat(of(new TunnelState.Degraded("slow"), true, 12)).isEqualTo(PATIENT);
        assertThat(of(new TunnelState.Recovering("relaunching"), true, 12)).isEqualTo(PATIENT);
        assertThat(Cadence.of(DEFAULTS, TunnelState.UP, true, Optional.empty())).as("no round trip yet").isEqualTo(PATIENT);
    }

    @Test
    void everyCadenceLeavesTheMarginOfTheBudget() {
        Duration budget = DEFAULTS.probeInterval().plus(DEFAULTS.probeTimeout());
        for (Cadence c : java.util.List.of(PATIENT, of(TunnelState.UP, true, 12), of(TunnelState.UP, true, 150))) {
            assertThat(c.interval().plus(c.timeout())).as(c.toString()).isEqualTo(budget.minusMillis(250));
        }
    }

    @Test
    void aTimeoutIsNeverLongerThanTheSettingsAllow() {
        ManagerSettings tight = DEFAULTS.withProbing(Duration.ofHours(1), Duration.ofMillis(200), 2);
        assertThat(Cadence.of(tight, TunnelState.UP, true, Optional.of(Duration.ofMillis(1))))
                .isEqualTo(new Cadence(Duration.ofHours(1), Duration.ofMillis(200)));
    }
}
