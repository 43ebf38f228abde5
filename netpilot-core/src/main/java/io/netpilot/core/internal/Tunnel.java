package io.netpilot.core.internal;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.RemoteShell;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tunnel the manager holds in memory: its last persisted record, its live state, its shells and
 * its supervisor thread. Every field that changes is either guarded by {@link #lock} (record, shells,
 * counters) or volatile (what snapshots read without the lock). Thread-safe in that sense.
 */
final class Tunnel {
    final ReentrantLock lock = new ReentrantLock();
    final Credentials routerCredentials;
    final Credentials relayCredentials;
    final HostKeyPolicy policy;

    private volatile TunnelRecord record;
    private volatile TunnelState state;
    private volatile Instant since;
    private volatile Optional<Duration> lastRtt = Optional.empty();

    /** Guarded by {@link #lock}. */
    RemoteShell routerShell;
    /** Guarded by {@link #lock}. */
    RemoteShell relayShell;
    /** Guarded by {@link #lock}: when the router's lease was last renewed (agent clock). */
    Instant leaseRenewedAt;
    /** Guarded by {@link #lock}: when a heartbeat was last written to the store. */
    Instant heartbeatPersistedAt = Instant.EPOCH;
    /** Guarded by {@link #lock}: why renewing the lease failed last time, if it did. */
    Optional<String> leaseProblem = Optional.empty();
    /** Guarded by {@link #lock}: consecutive failed probes. */
    int failures;
    /** Guarded by {@link #lock}: what the last failed probe saw. */
    String lastProbeFailure = "";

    volatile Thread supervisor;
    volatile boolean stopRequested;
    private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>();

    Tunnel(TunnelRecord record, Credentials routerCredentials, Credentials relayCredentials, HostKeyPolicy policy, Instant now) {
        this.record = record;
        this.state = record.state();
        this.since = now;
        this.routerCredentials = routerCredentials;
        this.relayCredentials = relayCredentials;
        this.policy = policy;
        this.leaseRenewedAt = now;
    }

    TunnelId id() {
        return record.id();
    }

    TunnelRecord record() {
        return record;
    }

    void record(TunnelRecord newRecord) {
        this.record = newRecord;
    }

    TunnelState state() {
        return state;
    }

    /** Sets the live state; returns the previous one. */
    TunnelState state(TunnelState newState, Instant now) {
        TunnelState old = state;
        if (!old.equals(newState)) {
            state = newState;
            since = now;
        }
        return old;
    }

    void lastRtt(Duration rtt) {
        lastRtt = Optional.of(rtt);
    }

    TunnelSnapshot snapshot() {
        TunnelRecord r = record;
        return new TunnelSnapshot(r.id(), r.spec().router().address(), r.spec().relay().address(), state, r.port(),
                since, r.established(), r.lastHeartbeat(), lastRtt);
    }

    /** Makes the supervisor probe at once instead of at its next interval. */
    void wake() {
        wake.offer(Boolean.TRUE);
    }

    /**
     * Waits until {@code delay} passed or {@link #wake()} was called.
     *
     * @return false when the thread was interrupted
     */
    boolean await(Duration delay) {
        try {
            wake.poll(Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            wake.clear();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void closeShells() {
        closeQuietly(routerShell);
        closeQuietly(relayShell);
        routerShell = null;
        relayShell = null;
    }

    static void closeQuietly(RemoteShell shell) {
        if (shell != null) {
            try {
                shell.close();
            } catch (RuntimeException ignored) {
                // closing is best effort; the session is dropped either way
            }
        }
    }
}
