package io.netpilot.core;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Hands out relay ports. An allocation is a lease recorded on the relay itself, so two agents can
 * never both win a port; it is sticky (a router gets its previous port back while that is free) and
 * falls back across the range when a port is taken or cannot be bound. Implementations are
 * thread-safe.
 */
public interface PortAllocator {
    /**
     * Leases a port on {@code relay} for {@code router}: {@code requested} if given (and only that),
     * else the router's previous port, else the first free one of {@code range} not in
     * {@code exclude}.
     *
     * @throws PortUnavailableException when no port can be had
     * @throws RelayUnreachableException when the relay cannot be reached
     */
    PortLease allocate(RelayEndpoint relay, RouterId router, PortRange range, OptionalInt requested, Set<Integer> exclude);

    /**
     * Releases {@code lease} on its relay; releasing a lease that is already gone is not an error.
     *
     * @throws RelayUnreachableException when the relay cannot be reached
     */
    void release(RelayEndpoint relay, PortLease lease);

    /** The leases the relay holds, for every router. */
    List<PortLease> leases(RelayEndpoint relay);
}
