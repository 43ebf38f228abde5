package io.netpilot.core.internal;

import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * The bridge from {@code io.netpilot.core.TunnelManagers} to the package-private implementation.
 * Public only because the API package needs it; this package is not exported. Stateless.
 */
public final class Managers {
    private Managers() {}

    /** A new supervising manager; see {@code TunnelManagers.builder()}. */
    public static TunnelManager supervising(ShellConnector connector, TunnelLauncher launcher, RelayGateway gateway,
            PortAllocator allocator, EndToEndProbe probe, RemoteProcessController processes, StateStore store,
            Clock clock, ManagerSettings settings, RandomGenerator random) {
        return new SupervisingTunnelManager(connector, launcher, gateway, allocator, probe, processes, store, clock, settings, random);
    }
}
