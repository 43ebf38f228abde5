package io.netpilot.core.internal;

import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StateStore;
import io.netpilot.core.SupervisedTunnelManager;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * The one door from {@link io.netpilot.core.TunnelManagers} into this package. Public only because
 * the builder lives in another package of this module; the package is not exported, so no other
 * module can reach it. Stateless, thread-safe.
 */
public final class SupervisingTunnelManagerFactory {
    private SupervisingTunnelManagerFactory() {}

    /** A new manager over these collaborators; see {@link io.netpilot.core.TunnelManagers.Builder}. */
    public static SupervisedTunnelManager create(ShellConnector connector, TunnelLauncher launcher, RelayGateway gateway,
            PortAllocator allocator, EndToEndProbe probe, RemoteProcessController processes, StateStore store,
            Clock clock, ManagerSettings settings, RandomGenerator random) {
        return new SupervisingTunnelManager(
                connector, launcher, gateway, allocator, probe, processes, store, clock, settings, random);
    }
}
