package io.netpilot.core.internal;

import io.netpilot.core.AgentId;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The bridge from {@code io.netpilot.core.TunnelManagers} to the package-private implementation.
 * Public only because the API package needs it; this package is not exported. Stateless.
 */
public final class Managers {
    private Managers() {}

    /**
     * What keeps the relay safe: this agent's id on it, the router identity check and how often it runs,
     * and how often pending revocations are retried.
     *
     * @param agent this agent's id on shared relays
     * @param identityProbe proves that a relay port reaches a router's pinned host key
     * @param identityInterval how often a running tunnel's identity is checked
     * @param retryInterval how often pending revocations are retried and the relays swept
     */
    public record RelaySafety(AgentId agent, IdentityProbe identityProbe, Duration identityInterval, Duration retryInterval) {
        /** @throws NullPointerException when a value is missing */
        public RelaySafety {
            java.util.Objects.requireNonNull(agent, "agent");
            java.util.Objects.requireNonNull(identityProbe, "identityProbe");
            java.util.Objects.requireNonNull(identityInterval, "identityInterval");
            java.util.Objects.requireNonNull(retryInterval, "retryInterval");
        }
    }

    /** A new supervising manager; see {@code TunnelManagers.builder()}. */
    public static TunnelManager supervising(ShellConnector connector, TunnelLauncher launcher, RelayGateway gateway,
            PortAllocator allocator, EndToEndProbe probe, RemoteProcessController processes, StateStore store,
            Clock clock, ManagerSettings settings, RandomGenerator random, RelaySafety relaySafety) {
        return new SupervisingTunnelManager(connector, launcher, gateway, allocator, probe, processes, store, clock, settings, random,
                relaySafety);
    }
}
