package io.netpilot.ssh.tunnel;

import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.internal.tunnel.TunnelInternals;
import java.util.Objects;

/**
 * The tunnel's moving parts on the router and the relay, each working through a
 * {@link io.netpilot.core.spi.RemoteShell} it is given. Every object returned is stateless and
 * thread-safe; share one of each. The router-side protocol is in {@code docs/router-protocol.md}.
 */
public final class TunnelPlumbing {
    private TunnelPlumbing() {}

    /** A launcher that lets the router pick its client ({@link ClientKind#AUTO}). */
    public static TunnelLauncher launcher() {
        return launcher(ClientKind.AUTO);
    }

    /**
     * A launcher whose supervisor runs {@code client}.
     *
     * @throws NullPointerException when {@code client} is null
     */
    public static TunnelLauncher launcher(ClientKind client) {
        Objects.requireNonNull(client, "client");
        return TunnelInternals.launcher(client);
    }

    /** The relay's tunnel account, managed through OpenSSH's {@code authorized_keys} and {@code ps}. */
    public static RelayGateway relayGateway() {
        return TunnelInternals.relayGateway();
    }

    /** Relay port leases as {@code mkdir} directories on the relay: atomic across agents, sticky per router. */
    public static PortAllocator portAllocator() {
        return TunnelInternals.portAllocator();
    }

    /**
     * The identity probe: through the relay, a key exchange with whatever answers on the tunnel's port,
     * compared with the router's pinned host key. For (re)establish, adopt and every few minutes; use
     * {@link #probe()} for frequent liveness.
     */
    public static IdentityProbe identityProbe() {
        return TunnelInternals.identityProbe();
    }

    /** The end-to-end probe that reads the router's SSH banner through the relay. */
    public static EndToEndProbe probe() {
        return TunnelInternals.probe();
    }
}
