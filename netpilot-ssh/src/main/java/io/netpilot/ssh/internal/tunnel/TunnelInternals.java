package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.tunnel.ClientKind;

/**
 * The door from the exported {@code io.netpilot.ssh.tunnel} into this package's package-private
 * implementations, called by {@link io.netpilot.ssh.tunnel.TunnelPlumbing}. Public only because the
 * API package needs it; this package is not exported. Stateless, thread-safe.
 */
public final class TunnelInternals {
    private TunnelInternals() {}

    /** A launcher that runs {@code client} on the router. */
    public static TunnelLauncher launcher(ClientKind client) {
        return new ShTunnelLauncher(client);
    }

    /** The relay gateway over OpenSSH's {@code authorized_keys}. */
    public static RelayGateway relayGateway() {
        return new OpenSshRelayGateway();
    }

    /** The relay port allocator over {@code mkdir} leases. */
    public static PortAllocator portAllocator() {
        return new RelayPortAllocator();
    }

    /** The identity probe: a key exchange through the relay, compared with the pinned router key. */
    public static IdentityProbe identityProbe() {
        return new KexIdentityProbe(System::nanoTime);
    }

    /** The SSH banner probe. */
    public static EndToEndProbe probe() {
        return new BannerProbe(System::nanoTime);
    }
}
