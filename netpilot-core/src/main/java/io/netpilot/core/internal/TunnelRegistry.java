package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.TunnelId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The tunnels the manager holds in memory, one slot per {@link TunnelId}. A slot changes hands only
 * through {@link #claim}, so two operations on one tunnel id never both believe they own it; it is
 * given back with {@link #release}. Closed once, with the manager. Thread-safe.
 */
final class TunnelRegistry {
    private final Map<TunnelId, Tunnel> tunnels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** What {@link #claim} did. */
    sealed interface Claim {
        /** The slot is the caller's: it holds {@code tunnel}, which the caller has locked and must unlock. */
        record Claimed(Tunnel tunnel) implements Claim {}

        /** The slot keeps {@code existing}, as the caller's rule said; nothing was locked. */
        record Kept(Tunnel existing) implements Claim {}
    }

    /**
     * Takes the slot of {@code id} for a new tunnel. A tunnel already there is looked at under its
     * lock: it stays when {@code keep} says so; otherwise it is taken out, its supervisor stopped and
     * its sessions closed.
     * Then {@code fresh} makes the new tunnel, which is locked and put in the slot; when another
     * operation filled the slot meanwhile, the claim starts over.
     */
    Claim claim(TunnelId id, Predicate<Tunnel> keep, Supplier<Tunnel> fresh) {
        while (true) {
            Tunnel existing = tunnels.get(id);
            if (existing != null) {
                existing.lock();
                try {
                    if (tunnels.get(id) != existing) {
                        continue;
                    }
                    if (keep.test(existing)) {
                        return new Claim.Kept(existing);
                    }
                    tunnels.remove(id, existing);
                } finally {
                    existing.unlock();
                }
                existing.supervision().stop();
                // Nothing else closes them (its relay hold would keep the shared session open); on a thread of
                // its own, so a supervisor that still finishes a step under its lock does not hold up the claim.
                Thread.ofVirtual().name("netpilot-close-" + id).start(() -> {
                    existing.lock();
                    try {
                        existing.closeSessions();
                    } finally {
                        existing.unlock();
                    }
                });
            }
            Tunnel t = fresh.get();
            t.lock();
            if (tunnels.putIfAbsent(id, t) == null) {
                return new Claim.Claimed(t);
            }
            t.unlock();
        }
    }

    /** Gives up the slot of {@code t}, if {@code t} still holds it. */
    void release(Tunnel t) {
        tunnels.remove(t.id(), t);
    }

    /** Puts {@code t} back in its slot after a failed launch, so its failure stays visible; unless the slot was taken. */
    void keepFailed(Tunnel t) {
        tunnels.putIfAbsent(t.id(), t);
    }

    Optional<Tunnel> get(TunnelId id) {
        return Optional.ofNullable(tunnels.get(id));
    }

    List<Tunnel> all() {
        return List.copyOf(tunnels.values());
    }

    /** The cleanup tokens of the tunnels held here. */
    Set<CleanupToken> tokens() {
        return tunnels.values().stream().flatMap(t -> t.record().token().stream()).collect(Collectors.toSet());
    }

    /** Makes every supervisor check its tunnel now. */
    void wakeAll() {
        tunnels.values().forEach(t -> t.supervision().wake());
    }

    boolean isClosed() {
        return closed;
    }

    /** Marks the registry closed; returns the tunnels it held, for the caller to stop. */
    List<Tunnel> close() {
        closed = true;
        return all();
    }
}
