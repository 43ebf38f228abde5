package io.netpilot.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The agent's durable memory: wanted tunnels, port leases and router history. Every mutating method
 * has made its change durable (on disk, atomically) before it returns, and a failure leaves the
 * previous content intact. Implementations are thread-safe: concurrent updates never lose each other.
 *
 * <p>A file that could not be read at start is quarantined, never deleted, and listed by
 * {@link #problems()}; the store then starts from what it could read.
 */
public interface StateStore {
    /** Every wanted tunnel. */
    List<TunnelRecord> tunnels();

    Optional<TunnelRecord> tunnel(TunnelId id);

    /**
     * Inserts or replaces the tunnel with {@code record.id()}.
     *
     * @throws StateCorruptException when it cannot be written
     */
    void saveTunnel(TunnelRecord record);

    /**
     * Atomically replaces the tunnel {@code id} with {@code change} applied to it, if it is there.
     *
     * @return the new record, or empty when no such tunnel was stored
     * @throws StateCorruptException when it cannot be written
     */
    Optional<TunnelRecord> updateTunnel(TunnelId id, UnaryOperator<TunnelRecord> change);

    /**
     * As {@link #updateTunnel} for several tunnels at once, skipping those not stored; a store that
     * keeps its tunnels in one file writes it once, not once per tunnel (the supervisor writes the
     * heartbeats of a whole fleet this way). This default applies them one by one.
     *
     * @throws StateCorruptException when it cannot be written
     */
    default void updateTunnels(Map<TunnelId, UnaryOperator<TunnelRecord>> changes) {
        changes.forEach(this::updateTunnel);
    }

    /**
     * Forgets the tunnel.
     *
     * @return whether it was stored
     * @throws StateCorruptException when it cannot be written
     */
    boolean removeTunnel(TunnelId id);

    /** Every port lease this agent holds. */
    List<PortLease> portLeases();

    /**
     * Records a lease, replacing one for the same relay and port.
     *
     * @throws StateCorruptException when it cannot be written
     */
    void savePortLease(PortLease lease);

    /**
     * Forgets the lease of {@code port} on {@code relay}.
     *
     * @return whether it was stored
     * @throws StateCorruptException when it cannot be written
     */
    boolean removePortLease(String relay, int port);

    /** Every router's connection history. */
    List<RouterConnection> routerConnections();

    /**
     * Atomically updates the history of {@code address}'s router, starting from
     * {@link RouterConnection#firstSeen} when there is none.
     *
     * @return the new history
     * @throws StateCorruptException when it cannot be written
     */
    RouterConnection updateRouterConnection(SshAddress address, UnaryOperator<RouterConnection> change);

    /** Every relay revocation that is still to be finished, oldest first. */
    List<PendingRevocation> pendingRevocations();

    /**
     * Records {@code pending}, replacing one for the same token.
     *
     * @throws StateCorruptException when it cannot be written
     */
    void savePendingRevocation(PendingRevocation pending);

    /**
     * Forgets the pending revocation of {@code token}.
     *
     * @return whether one was stored
     * @throws StateCorruptException when it cannot be written
     */
    boolean removePendingRevocation(CleanupToken token);

    /** The files found unreadable at start, and where each was moved; empty when all was well. */
    List<StateProblem> problems();
}
