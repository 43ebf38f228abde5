package io.netpilot.core.internal;

import io.netpilot.core.ManagerSettings;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a tunnel's supervisor waits before its next probe ({@code interval}) and how long that
 * probe may take ({@code timeout}).
 *
 * <p>A dead path must be noticed within {@link ManagerSettings#probeInterval()} +
 * {@link ManagerSettings#probeTimeout()} (1 s + 2 s by default): the detection budget. The settings
 * spend it as a short interval and a patient timeout. A tunnel that is {@code UP} and whose probes
 * answer fast does not need the patience: it is probed with a timeout of {@value #RTT_FACTOR} times its
 * smoothed round trip, but at least a third of the budget, and the interval is the rest of the budget
 * less a twelfth of it for a probe's start and its recording (a cadence that spends the whole budget
 * notices a dead path just after it in the worst case: the suite's blip test sees up to ~3.02 s on the
 * settings' own 1 s + 2 s). By default that is every 1.75 s with a 1 s timeout:
 * 4 probes where the settings' cadence makes 7, and a dead path still leaves {@code UP} within 3 s. Any
 * other tunnel (one probe failed, slow, degraded, recovering) keeps the settings' cadence, so a probe
 * that timed out early is followed by patient ones and a blip under load does not turn into a repair.
 * What costs a fleet of tunnels is the probes (each a channel through the relay), so this cuts the cost
 * of a healthy fleet by about 40 %.
 *
 * @param interval the wait before the next probe
 * @param timeout how long that probe may take
 */
record Cadence(Duration interval, Duration timeout) {
    /** A healthy tunnel's probe may take this many smoothed round trips. */
    static final int RTT_FACTOR = 10;
    /** The healthy cadence leaves this part of the budget (1/12: 250 ms by default) for a probe's start and its recording. */
    static final int MARGIN_DIVISOR = 12;

    /** The settings' own cadence. */
    static Cadence of(ManagerSettings settings) {
        return new Cadence(settings.probeInterval(), settings.probeTimeout());
    }

    /**
     * The cadence for a tunnel in {@code state} whose last probe {@code passed}, with its smoothed
     * round trip: the same detection budget, spent on fewer probes when it is healthy and fast.
     */
    static Cadence of(ManagerSettings settings, TunnelState state, boolean passed, Optional<Duration> smoothedRtt) {
        Cadence patient = of(settings);
        if (!passed || !(state instanceof TunnelState.Up) || smoothedRtt.isEmpty()) {
            return patient;
        }
        Duration budget = settings.probeInterval().plus(settings.probeTimeout());
        Duration timeout = smoothedRtt.get().multipliedBy(RTT_FACTOR);
        Duration floor = budget.dividedBy(3);
        if (timeout.compareTo(floor) < 0) {
            timeout = floor;
        }
        if (timeout.compareTo(settings.probeTimeout()) >= 0) {
            return patient;
        }
        // a probe starts a little after its wait and its failure is recorded a little after its timeout:
        // leaving a twelfth of the budget for that keeps a dead path's detection inside the budget
        return new Cadence(budget.minus(timeout).minus(budget.dividedBy(MARGIN_DIVISOR)), timeout);
    }
}
