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
    void waitsEndOnATickSharedByEveryTunnelAndAreLengthenedByLessThanOne() {
        long tick = Cadence.TICK.toNanos();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 1000; i++) {
            long now = random.nextLong(-(1L << 62), 1L << 62); // System.nanoTime() may be negative too
            Duration wait = Duration.ofMillis(1750);
            Duration onTick = Cadence.onTick(wait, now);
            assertThat(Math.floorMod(now + onTick.toNanos(), tick)).as("ends on a tick").isZero();
            assertThat(onTick).isGreaterThanOrEqualTo(wait).isLessThan(wait.plus(Cadence.TICK));
        }
    }

    @Test
    void aShortWaitGetsATickOfATwentiethOfIt() {
        Duration wait = Duration.ofMillis(100);
        Duration onTick = Cadence.onTick(wait, 1_234_567);
        assertThat(Math.floorMod(1_234_567 + onTick.toNanos(), wait.toNanos() / 20)).isZero();
        assertThat(onTick).isLessThan(wait.plusMillis(5));
        assertThat(Cadence.onTick(Duration.ofNanos(10), 3)).as("too short for a tick").isEqualTo(Duration.ofNanos(10));
    }

    @Test
    void aTimeoutIsNeverLongerThanTheSettingsAllow() {
        ManagerSettings tight = DEFAULTS.withProbing(Duration.ofHours(1), Duration.ofMillis(200), 2);
        assertThat(Cadence.of(tight, TunnelState.UP, true, Optional.of(Duration.ofMillis(1))))
                .isEqualTo(new Cadence(Duration.ofHours(1), Duration.ofMillis(200)));
    }
}
