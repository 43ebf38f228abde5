package io.netpilot.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A customer router as the agent reaches it.
 *
 * @param address where the agent logs in
 * @param pinnedHostKey the router's host key fingerprint once it has been trusted
 */
public record RouterEndpoint(SshAddress address, Optional<HostKeyFingerprint> pinnedHostKey) {
    public RouterEndpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(pinnedHostKey, "pinnedHostKey");
    }

    public static RouterEndpoint of(SshAddress address) {
        return new RouterEndpoint(address, Optional.empty());
    }

    /** The router's stable id, derived from its address. */
    public RouterId id() {
        return RouterId.of(address);
    }

    /** The address, and the pinned host key when there is one. */
    @Override
    public String toString() {
        return address + pinnedHostKey.map(k -> " (host key " + k + ")").orElse("");
    }
}
