package io.netpilot.core.internal;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decides when each tunnel is looked at: one virtual thread per tunnel checks it every
 * {@link ManagerSettings#probeInterval()} (at once when woken, for example after a network change),
 * and after {@link ManagerSettings#failuresBeforeRepair()} failed checks repairs it, backing off
 * between failed repairs with a Failsafe retry policy. What a check or repair does is
 * {@link HealthCheck}'s. Thread-safe.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final HealthCheck health;
    private final Recorder recorder;
    private final TunnelRegistry registry;
    private final ManagerSettings settings;
    private final RetryPolicy<Object> repairPolicy;

    Supervisor(HealthCheck health, Recorder recorder, TunnelRegistry registry, ManagerSettings settings) {
        this.health = health;
        this.recorder = recorder;
        this.registry = registry;
        this.settings = settings;
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

    private void supervise(Tunnel t) {
        MDC.put("tunnel", t.id().value());
        Supervision thread = t.supervision();
        Execution<Object> repairs = null;
        Duration delay = settings.probeInterval();
        try {
            while (!thread.stopRequested() && !registry.isClosed()) {
                if (!thread.awaitNextCheck(delay) || thread.stopRequested()) {
                    return;
                }
                t.lock();
                try {
                    if (thread.stopRequested()) {
                        return;
                    }
                    delay = settings.probeInterval();
                    if (health.check(t)) {
                        repairs = null;
                        continue;
                    }
                    if (!t.needsRepair(settings.failuresBeforeRepair())) {
                        continue;
                    }
                    if (repairs == null) {
                        repairs = newRepairExecution();
                    }
                    try {
                        health.repair(t);
                        repairs = null;
                    } catch (NetPilotException e) {
                        if (thread.stopRequested()) {
                            return;
                        }
                        repairs.recordException(e);
                        delay = repairs.getDelay();
                        recorder.failed(t, e);
                        LOG.warn("repair of {} failed (attempt {}), next in {}: {}",
                                t.id(), repairs.getAttemptCount(), delay, e.getMessage());
                    }
                } catch (RuntimeException e) {
                    LOG.error("supervision of {} failed unexpectedly; it goes on", t.id(), e);
                } finally {
                    t.unlock();
                }
            }
        } finally {
            MDC.remove("tunnel");
        }
    }

    @SuppressWarnings("unchecked") // Failsafe's Execution.of takes generic varargs
    private Execution<Object> newRepairExecution() {
        return Execution.of(repairPolicy);
    }
}
