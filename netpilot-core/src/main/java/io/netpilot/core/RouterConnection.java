package io.netpilot.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One router's connection history, as kept in {@code router-connections.json}.
 *
 * @param router the router's id
 * @param address where it was last reached
 * @param lastConnected when the agent last logged in successfully
 * @param successes how many tunnels came up
 * @param failures how many attempts failed
 * @param lastError the last failure's message
 * @param keys the key files of the last tunnel that came up through this router, for rediscovery
 */
public record RouterConnection(
        RouterId router,
        SshAddress address,
        Optional<Instant> lastConnected,
        long successes,
        long failures,
        Optional<String> lastError,
        LoginKeys keys) {
    public RouterConnection {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(lastConnected, "lastConnected");
        if (successes < 0 || failures < 0) {
            throw new InvalidInputException("connection counts must not be negative");
        }
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(keys, "keys");
    }

    /** A history that remembers no key files (the agent's own key). */
    public RouterConnection(RouterId router, SshAddress address, Optional<Instant> lastConnected, long successes, long failures,
            Optional<String> lastError) {
        this(router, address, lastConnected, successes, failures, lastError, LoginKeys.AGENT_KEY);
    }

    /** A router never connected to. */
    public static RouterConnection firstSeen(SshAddress address) {
        return new RouterConnection(RouterId.of(address), address, Optional.empty(), 0, 0, Optional.empty());
    }

    public RouterConnection succeeded(Instant when) {
        return new RouterConnection(router, address, Optional.of(when), successes + 1, failures, lastError, keys);
    }

    public RouterConnection failed(String error) {
        return new RouterConnection(router, address, lastConnected, successes, failures + 1, Optional.of(error), keys);
    }

    /** This history remembering {@code newKeys}. */
    public RouterConnection withKeys(LoginKeys newKeys) {
        return new RouterConnection(router, address, lastConnected, successes, failures, lastError, newKeys);
    }
}
