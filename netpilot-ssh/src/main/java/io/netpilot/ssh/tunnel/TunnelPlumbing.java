package io.netpilot.ssh.tunnel;

import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * The tunnel's moving parts on the router and the relay, each working through a
 * {@link io.netpilot.core.spi.RemoteShell} it is given. Every object returned is stateless and
 * thread-safe; share one of each. The router-side protocol is in {@code docs/router-protocol.md}.
 */
public final class TunnelPlumbing {
    private static final String INTERNALS = "io.netpilot.ssh.internal.tunnel.TunnelInternals";

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
        return call("launcher", TunnelLauncher.class, new Class<?>[] {ClientKind.class}, client);
    }

    /** The relay's tunnel account, managed through OpenSSH's {@code authorized_keys} and {@code ps}. */
    public static RelayGateway relayGateway() {
        return call("relayGateway", RelayGateway.class, new Class<?>[0]);
    }

    /** Relay port leases as {@code mkdir} directories on the relay: atomic across agents, sticky per router. */
    public static PortAllocator portAllocator() {
        return call("portAllocator", PortAllocator.class, new Class<?>[0]);
    }

    /** The end-to-end probe that reads the router's SSH banner through the relay. */
    public static EndToEndProbe probe() {
        return call("probe", EndToEndProbe.class, new Class<?>[0]);
    }

    private static <T> T call(String name, Class<T> type, Class<?>[] parameters, Object... args) {
        try {
            Method m = Class.forName(INTERNALS).getDeclaredMethod(name, parameters);
            m.setAccessible(true);
            return type.cast(m.invoke(null, args));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("netpilot-ssh's tunnel factory " + name + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("netpilot-ssh is incomplete: its tunnel factory " + name + " is missing", e);
        }
    }
}
