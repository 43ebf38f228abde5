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
 */
public record RouterConnection(
        RouterId router,
        SshAddress address,
        Optional<Instant> lastConnected,
        long successes,
        long failures,
        Optional<String> lastError) {
    public RouterConnection {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(lastConnected, "lastConnected");
        if (successes < 0 || failures < 0) {
            throw new InvalidInputException("connection counts must not be negative");
        }
        Objects.requireNonNull(lastError, "lastError");
    }

    /** A router never connected to. */
    public static RouterConnection firstSeen(SshAddress address) {
        return new RouterConnection(RouterId.of(address), address, Optional.empty(), 0, 0, Optional.empty());
    }

    public RouterConnection succeeded(Instant when) {
        return new RouterConnection(router, address, Optional.of(when), successes + 1, failures, lastError);
    }

    public RouterConnection failed(String error) {
        return new RouterConnection(router, address, lastConnected, successes, failures + 1, Optional.of(error));
    }
}
