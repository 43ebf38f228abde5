package io.netpilot.core.internal;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.LoginKeys;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tunnel the manager holds in memory: its last persisted record, its live state, its session to
 * the router and its hold on the relay session it shares with the other tunnels of that relay login
 * ({@link RelaySessions}), what its supervision has seen (failed probes, lease renewals,
 * heartbeats), and its {@link Supervision}. Whoever changes it holds its lock ({@link #lock()});
 * what snapshots read is volatile and read without it. Thread-safe in that sense.
 */
final class Tunnel {
    private final ReentrantLock lock = new ReentrantLock();
    private final Session router;
    private final Credentials relayCredentials;
    private final HostKeyPolicy policy;

    private volatile TunnelRecord record;
    private volatile TunnelState state;
    private volatile Instant since;
    private volatile Optional<Duration> lastRtt = Optional.empty();
    private volatile Optional<Instant> nextAttempt = Optional.empty();
    private final ProbeStats stats = new ProbeStats();

    // Guarded by the lock.
    /** Its hold on the shared relay session, from its first use of the relay until {@link #closeSessions()}. */
    private RelaySessions.Hold relay;
    private Instant leaseRenewedAt;
    private Optional<String> leaseProblem = Optional.empty();
    private int failures;
    private String lastProbeFailure = "";
    /** {@link System#nanoTime()} of the first failed probe of the current run of failures; 0 while probes pass. */
    private long failingSinceNanos;

    private final Supervision supervision = new Supervision();

    private Tunnel(TunnelRecord record, Credentials routerCredentials, Credentials relayCredentials, HostKeyPolicy policy,
            Instant now) {
        this.record = record;
        this.state = record.state();
        this.since = now;
        this.router = new Session(routerCredentials);
        this.relayCredentials = relayCredentials;
        this.policy = policy;
        this.leaseRenewedAt = now;
    }

    /** A tunnel asked for by {@code request}, starting from {@code initial}; logs in as the request says. */
    static Tunnel requested(ConnectRequest request, TunnelRecord initial, Instant now) {
        return new Tunnel(initial, request.routerCredentials(), request.relayCredentials(), request.hostKeyPolicy(), now);
    }

    /**
     * A tunnel known from the store: logs in to both hosts with the key files it was connected with
     * (remembered in its spec, the agent's key when none was given) and trusts only pinned host keys.
     */
    static Tunnel fromStore(TunnelRecord record, Instant now) {
        LoginKeys keys = record.spec().keys();
        return new Tunnel(record, keys.routerCredentials(), keys.relayCredentials(), HostKeyPolicy.PINNED_ONLY, now);
    }

    /** A tunnel found running on a router reached with {@code routerCredentials}; the relay with its remembered key. */
    static Tunnel rediscovered(TunnelRecord record, Credentials routerCredentials, Instant now) {
        return new Tunnel(record, routerCredentials, record.spec().keys().relayCredentials(), HostKeyPolicy.PINNED_ONLY, now);
    }

    void lock() {
        lock.lock();
    }

    void lockInterruptibly() throws InterruptedException {
        lock.lockInterruptibly();
    }

    void unlock() {
        lock.unlock();
    }

    private void guarded() {
        assert lock.isHeldByCurrentThread() : "the lock of tunnel " + id() + " is not held";
    }

    TunnelId id() {
        return record.id();
    }

    TunnelSpec spec() {
        return record.spec();
    }

    /** The record as last persisted (or as it would be, for a tunnel not stored). */
    TunnelRecord record() {
        return record;
    }

    /** Takes {@code saved} as the tunnel's record; the caller has persisted it. */
    void recorded(TunnelRecord saved) {
        guarded();
        if (!saved.id().equals(record.id())) {
            throw new IllegalArgumentException("record of " + saved.id() + " given to tunnel " + record.id());
        }
        this.record = saved;
    }

    TunnelState state() {
        return state;
    }

    /** Whether it ended (failed or stopped), so a new connect may replace it. */
    boolean ended() {
        return state instanceof TunnelState.Failed || state instanceof TunnelState.Stopped;
    }

    /** Sets the live state; returns the previous one. Its age restarts only when it changed. */
    TunnelState moveTo(TunnelState next, Instant now) {
        TunnelState old = state;
        if (!old.equals(next)) {
            state = next;
            since = now;
        }
        return old;
    }

    TunnelSnapshot snapshot() {
        TunnelRecord r = record;
        return new TunnelSnapshot(r.id(), r.spec().router().address(), r.spec().relay().address(), state, r.port(),
                since, r.established(), r.lastHeartbeat(), lastRtt, stats.metrics(since), nextAttempt);
    }

    /** Its measurements now, for a metrics event. */
    io.netpilot.core.TunnelMetrics metrics() {
        return stats.metrics(since);
    }

    /** When and how patiently it is probed next, after what its last probe saw ({@link Cadence}). */
    Cadence cadence(ManagerSettings settings) {
        guarded();
        return Cadence.of(settings, state, failures == 0, stats.smoothedRtt());
    }

    /** When the next expensive repair may run, while one waits; shown in snapshots. */
    void nextAttempt(Optional<Instant> at) {
        nextAttempt = at;
    }

    /** Repairs began: the next passing probe counts as a reconnect. */
    void wentDown() {
        guarded();
        stats.wentDown();
    }

    /** How long probes have failed without a break (zero while they pass). */
    Duration failingFor() {
        long since = failingSinceNanos;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
    }

    /** It came up (launched, relaunched or adopted) at {@code now}: its lease and failure count start over. */
    void cameUp(Instant now, Duration rtt) {
        guarded();
        failures = 0;
        failingSinceNanos = 0;
        nextAttempt = Optional.empty();
        stats.passed(now, rtt);
        leaseRenewedAt = now;
        leaseProblem = Optional.empty();
        lastRtt = Optional.of(rtt);
    }

    /** A probe passed at {@code now}. */
    void answered(Instant now, Duration rtt) {
        guarded();
        failures = 0;
        failingSinceNanos = 0;
        nextAttempt = Optional.empty();
        lastRtt = Optional.of(rtt);
        stats.passed(now, rtt);
    }

    /** A probe failed; returns how many failed in a row. */
    int probeFailed(String reason) {
        guarded();
        lastProbeFailure = reason;
        stats.failed();
        if (failingSinceNanos == 0) {
            failingSinceNanos = System.nanoTime();
        }
        return ++failures;
    }

    /** Restoring it failed: the next failed probe (of {@code failuresBeforeRepair}) starts a repair. */
    void repairAfterNextFailure(String reason, int failuresBeforeRepair) {
        guarded();
        failures = failuresBeforeRepair - 1;
        lastProbeFailure = reason;
    }

    /** Its router's supervisor is gone although traffic flows: it is repaired at the next look. */
    void supervisorLost(String reason, int failuresBeforeRepair) {
        guarded();
        failures = failuresBeforeRepair;
        lastProbeFailure = reason;
    }

    boolean needsRepair(int failuresBeforeRepair) {
        return failures >= failuresBeforeRepair;
    }

    String lastProbeFailure() {
        return lastProbeFailure;
    }

    /** Whether a third of its lease passed since it was last renewed (only a launched tunnel has one). */
    boolean leaseRenewalDue(Instant now) {
        Duration every = record.spec().leaseTtl().dividedBy(3);
        return record.token().isPresent() && Duration.between(leaseRenewedAt, now).compareTo(every) >= 0;
    }

    /** The lease was renewed at {@code now}; returns whether renewing had failed before. */
    boolean leaseRenewed(Instant now) {
        guarded();
        boolean hadProblem = leaseProblem.isPresent();
        leaseRenewedAt = now;
        leaseProblem = Optional.empty();
        return hadProblem;
    }

    /** Renewing the lease failed; a router session that closed is dropped so the next attempt opens a new one. */
    void leaseRenewalFailed(String why) {
        guarded();
        leaseProblem = Optional.of(why);
        if (router.shell != null && !router.shell.isOpen()) {
            router.close();
        }
    }

    /** Why renewing its lease failed last time, while it fails. */
    Optional<String> leaseProblem() {
        return leaseProblem;
    }

    /** Its router session, opened now when it has none or it closed. */
    RemoteShell router(ShellConnector connector) {
        guarded();
        SshAddress address = spec().router().address();
        try {
            return router.open(connector, address, policy);
        } catch (HostUnreachableException e) {
            throw Hosts.routerUnreachable(address, e);
        }
    }

    /** The relay session it shares with the tunnels of its relay login, opened now when there is none or it closed. */
    RemoteShell relay(RelaySessions relays) {
        guarded();
        SshAddress address = spec().relay().address();
        try {
            return holdRelay(relays).session();
        } catch (HostUnreachableException e) {
            throw Hosts.relayUnreachable(address, e);
        }
    }

    private RelaySessions.Hold holdRelay(RelaySessions relays) {
        if (relay == null) {
            relay = relays.hold(new RelaySessions.Login(spec().relay().address(), relayCredentials, policy));
        }
        return relay;
    }

    /**
     * Opens the sessions it lacks at the same time: the relay's (when no tunnel of its relay login has it
     * open) while this thread logs in to the router. Both logins are waited for; when both fail, the
     * router's error is thrown with the relay's suppressed.
     */
    void openBoth(ShellConnector connector, RelaySessions relays) {
        guarded();
        holdRelay(relays).opening(); // starts the relay's login, when one is needed, before the router's
        RuntimeException failure = null;
        try {
            router(connector);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            relay(relays);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Its relay session stopped answering: dropped when it is still the shared one (no other tunnel
     * dropped it already), so the next use of any tunnel of that login logs in again, once.
     */
    void dropRelay() {
        guarded();
        if (relay != null) {
            relay.drop();
        }
    }

    /**
     * Uses the router session {@code previous} (a tunnel of the same router) has open, so cleaning
     * several tunnels of one router logs in once. (Their relay sessions are shared anyway.)
     */
    void shareSessionsOf(Tunnel previous) {
        guarded();
        router.shell = previous.router.shell;
    }

    /** Closes its router session and lets go of the shared relay session (closed when no other tunnel holds it). */
    void closeSessions() {
        guarded();
        router.close();
        if (relay != null) {
            relay.release();
            relay = null;
        }
    }

    /** Its router session: kept while it is open, opened again once it closed. Guarded by the tunnel's lock. */
    private static final class Session {
        private final Credentials credentials;
        private RemoteShell shell;

        Session(Credentials credentials) {
            this.credentials = credentials;
        }

        RemoteShell open(ShellConnector connector, SshAddress address, HostKeyPolicy policy) {
            if (shell == null || !shell.isOpen()) {
                close();
                shell = connector.open(address, credentials, policy);
            }
            return shell;
        }

        void close() {
            closeQuietly(shell);
            shell = null;
        }
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

    /** Its supervisor thread. */
    Supervision supervision() {
        return supervision;
    }
}
