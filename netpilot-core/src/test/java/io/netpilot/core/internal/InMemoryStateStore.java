package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.PortLease;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateCorruptException;
import io.netpilot.core.StateProblem;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** The state store in memory, counting writes; can be told to fail lease writes. Thread-safe (one monitor). */
final class InMemoryStateStore implements StateStore {
    private final Map<TunnelId, TunnelRecord> tunnels = new LinkedHashMap<>();
    private final Map<String, PortLease> leases = new LinkedHashMap<>();
    private final Map<RouterId, RouterConnection> routers = new LinkedHashMap<>();
    private final Map<CleanupToken, PendingRevocation> pending = new LinkedHashMap<>();
    final AtomicInteger tunnelWrites = new AtomicInteger();
    volatile boolean failLeaseWrites;

    @Override
    public synchronized List<PendingRevocation> pendingRevocations() {
        return List.copyOf(pending.values());
    }

    @Override
    public synchronized void savePendingRevocation(PendingRevocation revocation) {
        pending.put(revocation.token(), revocation);
    }

    @Override
    public synchronized boolean removePendingRevocation(CleanupToken token) {
        return pending.remove(token) != null;
    }

    @Override
    public synchronized List<TunnelRecord> tunnels() {
        return List.copyOf(tunnels.values());
    }

    @Override
    public synchronized Optional<TunnelRecord> tunnel(TunnelId id) {
        return Optional.ofNullable(tunnels.get(id));
    }

    @Override
    public synchronized void saveTunnel(TunnelRecord record) {
        tunnelWrites.incrementAndGet();
        tunnels.put(record.id(), record);
    }

    @Override
    public synchronized Optional<TunnelRecord> updateTunnel(TunnelId id, UnaryOperator<TunnelRecord> change) {
        TunnelRecord r = tunnels.get(id);
        if (r == null) {
            return Optional.empty();
        }
        tunnelWrites.incrementAndGet();
        TunnelRecord n = change.apply(r);
        tunnels.put(id, n);
        return Optional.of(n);
    }

    /** One write for all of them, as the file store does. */
    @Override
    public synchronized void updateTunnels(Map<TunnelId, UnaryOperator<TunnelRecord>> changes) {
        tunnelWrites.incrementAndGet();
        changes.forEach((id, change) -> tunnels.computeIfPresent(id, (k, r) -> change.apply(r)));
    }

    @Override
    public synchronized boolean removeTunnel(TunnelId id) {
        return tunnels.remove(id) != null;
    }

    @Override
    public synchronized List<PortLease> portLeases() {
        return List.copyOf(leases.values());
    }

    @Override
    public synchronized void savePortLease(PortLease lease) {
        if (failLeaseWrites) {
            throw new StateCorruptException("disk full (test)");
        }
        leases.put(lease.relay() + "/" + lease.port(), lease);
    }

    @Override
    public synchronized boolean removePortLease(String relay, int port) {
        return leases.remove(relay + "/" + port) != null;
    }

    @Override
    public synchronized List<RouterConnection> routerConnections() {
        return new ArrayList<>(routers.values());
    }

    @Override
    public synchronized RouterConnection updateRouterConnection(SshAddress address, UnaryOperator<RouterConnection> change) {
        RouterConnection c = change.apply(routers.getOrDefault(RouterId.of(address), RouterConnection.firstSeen(address)));
        routers.put(c.router(), c);
        return c;
    }

    @Override
    public List<StateProblem> problems() {
        return List.of();
    }
}
