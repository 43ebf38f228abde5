package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.tunnel.ClientKind;

/**
 * The door from the exported {@code io.netpilot.ssh.tunnel} into this package's implementations,
 * called reflectively by {@link io.netpilot.ssh.tunnel.TunnelPlumbing} (same module, so no
 * {@code opens}): Java has no friend packages, and nothing in an internal package is public.
 * Stateless, thread-safe.
 */
final class TunnelInternals {
    private TunnelInternals() {}

    /** A launcher that runs {@code client} on the router. */
    static TunnelLauncher launcher(ClientKind client) {
        return new ShTunnelLauncher(client);
    }

    /** The relay gateway over OpenSSH's {@code authorized_keys}. */
    static RelayGateway relayGateway() {
        return new OpenSshRelayGateway();
    }

    /** The relay port allocator over {@code mkdir} leases. */
    static PortAllocator portAllocator() {
        return new RelayPortAllocator();
    }

    /** The SSH banner probe. */
    static EndToEndProbe probe() {
        return new BannerProbe(System::nanoTime);
    }
}
