package io.netpilot.core.internal;

import dev.failsafe.CircuitBreaker;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.RouterId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Failsafe {@link CircuitBreaker} per router, shared by its tunnels, so that a router (or its
 * relay) the agent cannot reach is not logged in to again and again: after {@link #FAILURES}
 * attempts in a row that could not reach a host it opens, and repairs wait until it half-opens
 * (after {@link ManagerSettings#backoffCap()}, or at once on a passing probe, a network change or a
 * retry). Thread-safe.
 */
final class Breakers {
    private static final Logger LOG = LoggerFactory.getLogger(Breakers.class);
    /** Unreachable-host failures in a row that open a router's breaker. */
    static final int FAILURES = 3;

    private final ConcurrentMap<RouterId, CircuitBreaker<Object>> byRouter = new ConcurrentHashMap<>();
    private final ManagerSettings settings;

    Breakers(ManagerSettings settings) {
        this.settings = settings;
    }

    /** The breaker of {@code router}, made closed on first use. */
    CircuitBreaker<Object> of(RouterId router) {
        return byRouter.computeIfAbsent(router, r -> CircuitBreaker.builder()
                .withFailureThreshold(FAILURES)
                .withSuccessThreshold(1)
                .withDelay(settings.backoffCap())
                .onOpen(e -> LOG.warn("circuit breaker of router {} opened: no repair for {}", r, settings.backoffCap()))
                .onHalfOpen(e -> LOG.info("circuit breaker of router {} half-open: one repair may try", r))
                .onClose(e -> LOG.info("circuit breaker of router {} closed", r))
                .build());
    }

    /** Lets the next repair of every router through (a network change: worth trying now). */
    void halfOpenAll() {
        byRouter.values().forEach(b -> {
            if (b.isOpen()) {
                b.halfOpen();
            }
        });
    }
}
