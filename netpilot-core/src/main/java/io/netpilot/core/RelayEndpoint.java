package io.netpilot.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The cloud relay: the agent logs in as {@code address.user()} to allocate ports and probe;
 * routers log in as {@code tunnelUser}, restricted to their own port.
 *
 * @param address where the agent logs in
 * @param tunnelUser the account routers' keys are authorized for
 * @param pinnedHostKey the relay's host key fingerprint once it has been trusted
 */
public record RelayEndpoint(SshAddress address, String tunnelUser, Optional<HostKeyFingerprint> pinnedHostKey) {
    /** @throws InvalidInputException when the tunnel user is not a valid user name */
    public RelayEndpoint {
        Objects.requireNonNull(address, "address");
        Checks.user("tunnel user", tunnelUser);
        Objects.requireNonNull(pinnedHostKey, "pinnedHostKey");
    }

    /** A relay whose routers log in as the same user as the agent. */
    public static RelayEndpoint of(SshAddress address) {
        return new RelayEndpoint(address, address.user(), Optional.empty());
    }

    /** The address, the routers' user when it is another one, and the pinned host key when there is one. */
    @Override
    public String toString() {
        return address + (tunnelUser.equals(address.user()) ? "" : " (routers log in as " + tunnelUser + ")")
                + pinnedHostKey.map(k -> " (host key " + k + ")").orElse("");
    }
}
