package io.netpilot.core;

import io.netpilot.core.spi.RemoteShell;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Hands out relay ports. An allocation is a lease recorded on the relay itself ({@code mkdir} of a
 * per-port directory with an owner file), so two agents can never both win a port; it is sticky (a
 * router gets its previous port back while that is free) and falls back across the range when a port
 * is taken or cannot be bound. Works through a shell logged in to the relay; implementations are
 * stateless and thread-safe. Methods throw {@link RemoteCommandException} when a relay command fails
 * and {@link HostUnreachableException} when the relay session is lost.
 */
public interface PortAllocator {
    /**
     * Leases a port on {@code relay} for {@code router}: {@code requested} if given (and only that),
     * else the port the relay already holds for this router, else the first free one of {@code range}
     * not in {@code exclude} and not listening.
     *
     * @throws PortUnavailableException when no port can be had
     */
    PortLease allocate(RemoteShell relay, RouterId router, PortRange range, OptionalInt requested, Set<Integer> exclude);

    /** Releases the lease of {@code port} if {@code router} holds it; a lease already gone is not an error. */
    void release(RemoteShell relay, RouterId router, int port);

    /** The leases the relay holds, for every router. */
    List<PortLease> leases(RemoteShell relay);

    /**
     * Leases a port for {@code owner}, as {@link #allocate(RemoteShell, RouterId, PortRange, OptionalInt, Set)}
     * does for a router id, but sticky only to the same (agent, router host key): two routers at one
     * address, or one router behind two agents, get different ports. Call it once the router's host key
     * is pinned; the returned lease names {@code owner.router()}.
     *
     * @throws PortUnavailableException when no port can be had
     * @throws UnsupportedOperationException when this allocator cannot record owners
     */
    default PortLease allocate(RemoteShell relay, LeaseOwner owner, PortRange range, OptionalInt requested, Set<Integer> exclude) {
        throw new UnsupportedOperationException(getClass().getName() + " does not record lease owners");
    }

    /**
     * Releases the lease of {@code port} if {@code owner} holds it; a lease already gone is not an error.
     *
     * @throws UnsupportedOperationException when this allocator cannot record owners
     */
    default void release(RemoteShell relay, LeaseOwner owner, int port) {
        throw new UnsupportedOperationException(getClass().getName() + " does not record lease owners");
    }

    /**
     * The leases the relay holds with their full owners.
     *
     * @throws UnsupportedOperationException when this allocator cannot record owners
     */
    default List<RelayLease> relayLeases(RemoteShell relay) {
        throw new UnsupportedOperationException(getClass().getName() + " does not record lease owners");
    }
}
