package io.netpilot.core.internal;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decides when each tunnel is looked at: one virtual thread per tunnel checks it every
 * {@link ManagerSettings#probeInterval()} (at once when woken, for example after a network change),
 * and that goes on while it is broken, so a path that heals is used at once. A tunnel that is up and
 * answers fast is probed less often with a shorter timeout, within the same detection budget
 * ({@link Cadence}). After
 * {@link ManagerSettings#failuresBeforeRepair()} failed checks each check is followed by a cheap
 * diagnosis (is the router's supervisor alive, does the probe pass now); only the expensive repairs
 * (ending a stale relay session, a relaunch) are paced: by a Failsafe backoff per tunnel, and by a
 * circuit breaker per router ({@link Breakers}) that stops logging in to hosts that cannot be reached.
 * A retry ({@link Supervision#retryNow()}) skips both. What a check or repair does is
 * {@link HealthCheck}'s. Thread-safe.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final HealthCheck health;
    private final Recorder recorder;
    private final TunnelRegistry registry;
    private final ManagerSettings settings;
    private final Breakers breakers;
    private final RetryPolicy<Object> repairPolicy;

    Supervisor(HealthCheck health, Recorder recorder, TunnelRegistry registry, ManagerSettings settings, Breakers breakers) {
        this.health = health;
        this.recorder = recorder;
        this.registry = registry;
        this.settings = settings;
        this.breakers = breakers;
        RetryPolicyBuilder<Object> retry = RetryPolicy.builder()
                .handle(NetPilotException.class)
                .withMaxRetries(-1)
                .withBackoff(settings.backoffBase(), settings.backoffCap());
        if (settings.backoffJitter() > 0) {
            retry.withJitter(settings.backoffJitter());
        }
        this.repairPolicy = retry.build();
    }

    /** Starts supervising {@code t}; {@link Supervision#stop()} ends it. */
    void start(Tunnel t) {
        t.supervision().start("netpilot-supervise-" + t.id(), () -> supervise(t));
    }

    /** The pacing of one tunnel's expensive repairs; only its supervisor thread touches it. */
    private final class Pacing {
        private Execution<Object> repairs;
        private long nextRepairNanos;

        void reset() {
            repairs = null;
            nextRepairNanos = 0;
        }

        boolean due() {
            return repairs == null || System.nanoTime() - nextRepairNanos >= 0;
        }

        /** An expensive repair was tried and the tunnel is not up: the next one waits the backoff. */
        Duration attempted(NetPilotException why) {
            if (repairs == null) {
                repairs = newRepairExecution();
            }
            repairs.recordException(why);
            Duration delay = repairs.getDelay();
            nextRepairNanos = System.nanoTime() + delay.toNanos();
            return delay;
        }

        int attempts() {
            return repairs == null ? 0 : repairs.getAttemptCount();
        }
    }

    private void supervise(Tunnel t) {
        MDC.put("tunnel", t.id().value());
        Supervision thread = t.supervision();
        Pacing pacing = new Pacing();
        boolean down = false;
        Cadence cadence = Cadence.of(settings);
        try {
            while (!thread.stopRequested() && !registry.isClosed()) {
                if (!thread.awaitNextCheck(Cadence.onTick(cadence.interval(), System.nanoTime())) || thread.stopRequested()) {
                    return;
                }
                boolean urgent = thread.takeRetryRequest();
                t.lock();
                try {
                    if (thread.stopRequested()) {
                        return;
                    }
                    CircuitBreaker<Object> breaker = breakers.of(t.spec().router().id());
                    if (health.check(t, urgent ? settings.probeTimeout() : cadence.timeout())) {
                        pacing.reset();
                        down = false;
                        if (!breaker.isClosed()) {
                            breaker.close(); // the cheap check passed: the path is back
                        }
                        continue;
                    }
                    if (!urgent && !t.needsRepair(settings.failuresBeforeRepair())) {
                        continue;
                    }
                    if (!down) {
                        down = true;
                        t.wentDown();
                    }
                    if (urgent) {
                        LOG.info("retry of {} asked for: checking and repairing now", t.id());
                        pacing.reset();
                        if (!breaker.isClosed()) {
                            breaker.halfOpen();
                        }
                    }
                    if (!breaker.tryAcquirePermit()) {
                        breakerOpen(t, breaker);
                        continue;
                    }
                    if (repairIfDue(t, urgent, pacing, breaker)) {
                        pacing.reset();
                        down = false;
                    }
                } catch (RuntimeException e) {
                    if (thread.stopRequested()) {
                        return;
                    }
                    LOG.error("supervision of {} failed unexpectedly; it goes on", t.id(), e);
                } finally {
                    cadence = t.cadence(settings);
                    t.unlock();
                }
            }
        } finally {
            MDC.remove("tunnel");
        }
    }

    /**
     * The cheap diagnosis, then the expensive repair when it is needed and due. Returns whether the
     * tunnel answers again.
     */
    private boolean repairIfDue(Tunnel t, boolean urgent, Pacing pacing, CircuitBreaker<Object> breaker) {
        HealthCheck.Diagnosis found;
        try {
            found = health.diagnose(t, urgent);
            breaker.recordSuccess(); // both hosts answered the agent
        } catch (HostUnreachableException e) {
            breaker.recordFailure();
            pacing.attempted(e);
            if (breaker.isOpen()) {
                breakerOpen(t, breaker);
            } else {
                recorder.failed(t, e);
            }
            return false;
        }
        switch (found) {
            case HEALED -> {
                return true;
            }
            case RIDING_OUT -> {
                return false;
            }
            case STALE_LISTENER, RELAUNCH -> {
                if (!urgent && !pacing.due()) {
                    return false;
                }
                return repair(t, found, pacing);
            }
        }
        return false;
    }

    private boolean repair(Tunnel t, HealthCheck.Diagnosis found, Pacing pacing) {
        try {
            health.repair(t, found);
            if (t.state() instanceof TunnelState.Up) {
                return true;
            }
            Duration delay = pacing.attempted(new NetPilotException("not up yet after " + found));
            t.nextAttempt(Optional.of(recorder.now().plus(delay)));
            return false;
        } catch (NotAnsweringYetException e) {
            Duration delay = pacing.attempted(e);
            t.nextAttempt(Optional.of(recorder.now().plus(delay)));
            recorder.transition(t, new TunnelState.Recovering("relaunched; its supervisor runs and keeps trying to reach the relay ("
                    + e.getMessage() + ")"));
            return false;
        } catch (NetPilotException e) {
            if (t.supervision().stopRequested()) {
                throw e;
            }
            Duration delay = pacing.attempted(e);
            Instant next = recorder.now().plus(delay);
            t.nextAttempt(Optional.of(next));
            recorder.failed(t, e, "; next repair attempt at " + next);
            LOG.warn("repair of {} failed (attempt {}), next in {}: {}", t.id(), pacing.attempts(), delay, e.getMessage());
            return false;
        }
    }

    /** Its router's breaker is open: no repair, the state says until when; probes go on. */
    private void breakerOpen(Tunnel t, CircuitBreaker<Object> breaker) {
        Instant next = recorder.now().plus(breaker.getRemainingDelay());
        t.nextAttempt(Optional.of(next));
        TunnelState now = t.state();
        if (now instanceof TunnelState.RouterUnreachable || now instanceof TunnelState.RelayUnreachable) {
            if (now.reason().orElse("").contains("circuit breaker")) {
                return; // said so already
            }
        }
        String why = "repairs kept failing to reach it (" + t.lastProbeFailure() + "); circuit breaker open: next attempt at "
                + next + ", probes go on";
        recorder.transition(t, now instanceof TunnelState.RelayUnreachable
                ? new TunnelState.RelayUnreachable("the relay cannot be reached: " + why)
                : new TunnelState.RouterUnreachable("the router cannot be reached: " + why));
    }

    @SuppressWarnings("unchecked") // Failsafe's Execution.of takes generic varargs
    private Execution<Object> newRepairExecution() {
        return Execution.of(repairPolicy);
    }
}
