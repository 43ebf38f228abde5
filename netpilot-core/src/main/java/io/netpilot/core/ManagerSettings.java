package io.netpilot.core;

import static io.netpilot.core.Checks.positive;

import java.time.Duration;
import java.util.Objects;

/**
 * How the tunnel manager paces itself: probing, repairs, lease renewal and cleanup. Immutable and
 * thread-safe. {@link #DEFAULTS} suits real routers; tests shrink the durations with the
 * {@code with...} methods.
 *
 * @param probeInterval how often a supervised tunnel is probed end to end; with {@code probeTimeout} the
 *     time within which a dead path is noticed. A tunnel that is up and answers fast spends that same
 *     time on fewer probes with a shorter timeout (at most {@code probeTimeout}, at least a third of
 *     the sum)
 * @param probeTimeout how long one probe may take
 * @param slowProbe a probe slower than this makes the tunnel {@code DEGRADED} ("slow")
 * @param failuresBeforeRepair consecutive failed probes before the tunnel is diagnosed and repaired
 * @param heartbeatPersistInterval the shortest time between two heartbeats written to the state
 *     store (state changes are always written at once)
 * @param backoffBase the delay before the second repair attempt
 * @param backoffCap the longest delay between two repair attempts
 * @param backoffJitter the random share (0 to 1) added to or taken from each repair delay
 * @param connectProbeWait how long a launch may take until the end-to-end probe first succeeds
 * @param connectProbePoll how often the probe is retried while waiting for a launch
 * @param portAttempts how many relay ports a launch tries before giving up (fallback on a lost port)
 * @param cleanupBound the default bound of {@link TunnelManager#cleanup} for callers that have none
 * @param stopPolicy how router processes are stopped
 * @param rideOut how long failed probes are ridden out while the router's supervisor runs (its client
 *     reconnects by itself within its keepalive window, 5 s x 3, and a held connection survives
 *     that): only after this is a relay session that still holds the port taken for stale and ended
 */
public record ManagerSettings(
        Duration probeInterval,
        Duration probeTimeout,
        Duration slowProbe,
        int failuresBeforeRepair,
        Duration heartbeatPersistInterval,
        Duration backoffBase,
        Duration backoffCap,
        double backoffJitter,
        Duration connectProbeWait,
        Duration connectProbePoll,
        int portAttempts,
        Duration cleanupBound,
        StopPolicy stopPolicy,
        Duration rideOut) {

    /**
     * Probe every second with a 2 s budget for the answer, so a dead path is noticed within 3 s (a probe is
     * given the timeout less a twelfth of the 3 s, 1.75 s, so that its start and its recording fit too; a
     * healthy fast tunnel is probed every 1.75 s with a 1 s timeout, within the same 3 s), repair after 2 failures,
     * back off from 1 s to 60 s, ride out 20 s.
     */
    public static final ManagerSettings DEFAULTS = new ManagerSettings(
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 2, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofSeconds(60), 0.25, Duration.ofSeconds(30), Duration.ofMillis(250),
            3, Duration.ofSeconds(10), StopPolicy.DEFAULT, Duration.ofSeconds(20));

    /** @throws InvalidInputException when a duration is not positive or a count or share is out of range */
    public ManagerSettings {
        positive("probe interval", probeInterval);
        positive("probe timeout", probeTimeout);
        positive("slow probe threshold", slowProbe);
        positive("heartbeat persist interval", heartbeatPersistInterval);
        positive("backoff base", backoffBase);
        positive("backoff cap", backoffCap);
        positive("connect probe wait", connectProbeWait);
        positive("connect probe poll", connectProbePoll);
        positive("cleanup bound", cleanupBound);
        positive("ride-out window", rideOut);
        Objects.requireNonNull(stopPolicy, "stopPolicy");
        if (backoffCap.compareTo(backoffBase) <= 0) {
            throw new InvalidInputException("backoff cap (" + backoffCap + ") must be longer than its base (" + backoffBase + ")");
        }
        if (failuresBeforeRepair < 1 || portAttempts < 1) {
            throw new InvalidInputException("failures before repair and port attempts must be at least 1");
        }
        if (!(backoffJitter >= 0 && backoffJitter <= 1)) {
            throw new InvalidInputException("backoff jitter must be a share from 0 to 1, not " + backoffJitter);
        }
    }

    public ManagerSettings withProbing(Duration interval, Duration timeout, int failures) {
        return new ManagerSettings(interval, timeout, slowProbe, failures, heartbeatPersistInterval, backoffBase,
                backoffCap, backoffJitter, connectProbeWait, connectProbePoll, portAttempts, cleanupBound, stopPolicy, rideOut);
    }

    public ManagerSettings withBackoff(Duration base, Duration cap, double jitter) {
        return new ManagerSettings(probeInterval, probeTimeout, slowProbe, failuresBeforeRepair, heartbeatPersistInterval,
                base, cap, jitter, connectProbeWait, connectProbePoll, portAttempts, cleanupBound, stopPolicy, rideOut);
    }

    public ManagerSettings withConnectWait(Duration wait, Duration poll) {
        return new ManagerSettings(probeInterval, probeTimeout, slowProbe, failuresBeforeRepair, heartbeatPersistInterval,
                backoffBase, backoffCap, backoffJitter, wait, poll, portAttempts, cleanupBound, stopPolicy, rideOut);
    }

    public ManagerSettings withSlowProbe(Duration threshold) {
        return new ManagerSettings(probeInterval, probeTimeout, threshold, failuresBeforeRepair, heartbeatPersistInterval,
                backoffBase, backoffCap, backoffJitter, connectProbeWait, connectProbePoll, portAttempts, cleanupBound, stopPolicy, rideOut);
    }

    public ManagerSettings withStopPolicy(StopPolicy policy) {
        return new ManagerSettings(probeInterval, probeTimeout, slowProbe, failuresBeforeRepair, heartbeatPersistInterval,
                backoffBase, backoffCap, backoffJitter, connectProbeWait, connectProbePoll, portAttempts, cleanupBound, policy, rideOut);
    }

    /** How long failed probes are ridden out while the router's supervisor runs; see {@link #rideOut()}. */
    public ManagerSettings withRideOut(Duration window) {
        return new ManagerSettings(probeInterval, probeTimeout, slowProbe, failuresBeforeRepair, heartbeatPersistInterval,
                backoffBase, backoffCap, backoffJitter, connectProbeWait, connectProbePoll, portAttempts, cleanupBound, stopPolicy,
                window);
    }
}
