package io.netpilot.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A port lease as the relay records it, with its full owner when the lease was made by an agent that
 * records one; leases of older agents carry only the router's address id.
 *
 * @param port the relay port
 * @param router the router's address id
 * @param leasedAt when it was first allocated
 * @param agent the agent that holds it, when recorded
 * @param routerKeyId {@link LeaseOwner#routerKeyId()} of the holder, when recorded
 */
public record RelayLease(int port, RouterId router, Instant leasedAt, Optional<AgentId> agent, Optional<String> routerKeyId) {
    public RelayLease {
        Checks.port("leased port", port);
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(leasedAt, "leasedAt");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(routerKeyId, "routerKeyId");
    }

    /** Whether {@code owner} holds this lease. */
    public boolean isHeldBy(LeaseOwner owner) {
        return router.equals(owner.router()) && agent.equals(Optional.of(owner.agent()))
                && routerKeyId.equals(Optional.of(owner.routerKeyId()));
    }
}
