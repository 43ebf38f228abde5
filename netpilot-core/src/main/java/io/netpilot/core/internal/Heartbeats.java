package io.netpilot.core.internal;

import io.netpilot.core.NetPilotException;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeats of passing probes on their way to the {@link StateStore}: kept here as they come and
 * written for all tunnels together, at most once every {@code every}, by whichever supervisor finds the
 * write due ({@link StateStore#updateTunnels}). A store keeps its tunnels in one file, so a heartbeat
 * written per tunnel cost N writes of N records every {@code every}: the cost of a fleet grew with the
 * square of its size; together it is one write. A stored heartbeat is at most {@code every} (plus a
 * probe interval) old while the agent runs, as before. Thread-safe.
 */
final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final StateStore store;
    private final Duration every;
    private final Map<TunnelId, Instant> pending = new ConcurrentHashMap<>();
    private final ReentrantLock writing = new ReentrantLock();
    private volatile Instant lastWrite;

    /** Heartbeats written to {@code store} at most once every {@code every}, the first {@code every} after {@code now}. */
    Heartbeats(StateStore store, Duration every, Instant now) {
        this.store = store;
        this.every = every;
        this.lastWrite = now;
    }

    /** A probe of {@code id} passed at {@code at}; it reaches the store with the next write. */
    void passed(TunnelId id, Instant at) {
        pending.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** {@code id}'s heartbeat was written with another change of its record (a state change). */
    void written(TunnelId id) {
        pending.remove(id);
    }

    /** Writes the waiting heartbeats in one store update when {@code every} passed since the last; another thread writing skips. */
    void writeIfDue(Instant now) {
        if (pending.isEmpty() || Duration.between(lastWrite, now).compareTo(every) < 0 || !writing.tryLock()) {
            return;
        }
        Map<TunnelId, UnaryOperator<TunnelRecord>> changes = new HashMap<>();
        try {
            if (Duration.between(lastWrite, now).compareTo(every) < 0) {
                return;
            }
            for (TunnelId id : pending.keySet()) {
                Instant at = pending.remove(id);
                if (at != null) {
                    changes.put(id, r -> newer(r, at) ? r.withHeartbeat(at) : r);
                }
            }
            lastWrite = now;
            store.updateTunnels(changes);
        } catch (NetPilotException e) {
            LOG.warn("could not write the heartbeats of {} tunnel(s): {}", changes.size(), e.getMessage());
        } finally {
            writing.unlock();
        }
    }

    /** Whether {@code at} is news for {@code r}: later than its heartbeat, and not from before it was (re)established. */
    private static boolean newer(TunnelRecord r, Instant at) {
        return r.lastHeartbeat().map(at::isAfter).orElse(true) && r.established().map(e -> !at.isBefore(e)).orElse(true);
    }
}
