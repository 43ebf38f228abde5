package io.netpilot.core;

import java.util.Objects;

/**
 * Who holds a relay port: one agent's tunnel to one router, the router known by its pinned host key
 * and not only by its address, so two routers that are both {@code 192.168.1.1} (two customers' LANs)
 * get two ports, and a second agent never inherits the first one's port.
 *
 * @param agent the agent that leased the port
 * @param router the router's address id (kept for listings and tokens)
 * @param routerKey the fingerprint of the router's pinned host key
 */
public record LeaseOwner(AgentId agent, RouterId router, HostKeyFingerprint routerKey) {
    public LeaseOwner {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(routerKey, "routerKey");
    }

    /** 16 hex digits naming {@link #routerKey()}: what the relay's lease files record. */
    public String routerKeyId() {
        return Checks.sha256Hex(routerKey.value(), 8);
    }
}
