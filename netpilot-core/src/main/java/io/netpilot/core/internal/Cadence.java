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
 * {@link ManagerSettings#probeTimeout()} (1 s + 2 s by default): the detection budget. A probe starts a
 * little after its wait and its failure is recorded a little after its timeout, so a cadence that spends
 * the whole budget notices a dead path just after it in the worst case (the suite's blip test saw up to
 * ~3.02 s on 1 s + 2 s). Every cadence therefore leaves a twelfth of the budget (250 ms by default) for
 * that. The patient cadence, for any tunnel that is not healthy and fast (one probe failed, slow,
 * degraded, recovering, or no round trip measured yet), keeps the settings' interval and takes the margin
 * from the timeout: every 1 s with a 1.75 s timeout by default, so a probe that timed out early is
 * followed by patient ones and a blip under load does not turn into a repair. A tunnel that is
 * {@code UP} and whose probes answer fast does not need the patience: it is probed with a timeout of
 * {@value #RTT_FACTOR} times its smoothed round trip, but at least a third of the budget, and the
 * interval is the rest of the budget less the margin. By default that is every 1.75 s with a 1 s
 * timeout: 4 probes where the settings' cadence makes 7, and a dead path still leaves {@code UP} within
 * 3 s. What costs a fleet of tunnels is the probes (each a channel through the relay), so this cuts the
 * cost of a healthy fleet by about 40 %.
 *
 * @param interval the wait before the next probe
 * @param timeout how long that probe may take
 */
record Cadence(Duration interval, Duration timeout) {
    /** Probes start on ticks of this length (at most a twentieth of their wait), shared by all tunnels. */
    static final Duration TICK = Duration.ofMillis(50);

    /** A healthy tunnel's probe may take this many smoothed round trips. */
    static final int RTT_FACTOR = 10;
    /** The healthy cadence leaves this part of the budget (1/12: 250 ms by default) for a probe's start and its recording. */
    static final int MARGIN_DIVISOR = 12;

    /**
     * The patient cadence: the settings' interval, and their timeout less the margin (the whole timeout
     * when the margin would take more than half of it, as with an interval much longer than the timeout).
     */
    static Cadence of(ManagerSettings settings) {
        Duration margin = settings.probeInterval().plus(settings.probeTimeout()).dividedBy(MARGIN_DIVISOR);
        Duration timeout = settings.probeTimeout();
        return new Cadence(settings.probeInterval(), timeout.compareTo(margin.multipliedBy(2)) > 0 ? timeout.minus(margin) : timeout);
    }

    /**
     * {@code wait}, from {@code nowNanos} ({@link System#nanoTime()}), lengthened to end on a tick shared by
     * every tunnel's supervisor: the tick is {@link #TICK}, or a twentieth of {@code wait} when that is
     * shorter (tests' short cadences). Probes of many tunnels that start together cost each about half
     * of one started alone (MINA handles them in one wake-up of its I/O thread instead of one each;
     * {@code bench/probe.sh}'s ticked run), and the added wait is at most a tick, well inside the
     * twelfth of the budget each cadence leaves.
     */
    static Duration onTick(Duration wait, long nowNanos) {
        long tick = Math.min(TICK.toNanos(), wait.toNanos() / 20);
        if (tick <= 0) {
            return wait;
        }
        long end = nowNanos + wait.toNanos();
        return Duration.ofNanos(wait.toNanos() + Math.floorMod(-end, tick));
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
        if (timeout.compareTo(patient.timeout()) >= 0) {
            return patient;
        }
        return new Cadence(budget.minus(timeout).minus(budget.dividedBy(MARGIN_DIVISOR)), timeout);
    }
}
