package io.netpilot.core.internal;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.Forward;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.PortRange;
import io.netpilot.core.RediscoveryReport;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RelayUnreachableException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.RouterId;
import io.netpilot.core.RouterUnreachableException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.StopResult;
import io.netpilot.core.SupervisedTunnelManager;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelEventListener;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.DiscoveredTunnel;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The tunnel manager over core's SPIs: connect with undo, one supervising virtual thread per tunnel
 * (probe, lease renewal, diagnosis and repair with Failsafe backoff), disconnect, cleanup from the
 * persisted state, force cleanup, and restore/adopt. Every state change is written to the
 * {@link StateStore} before it is emitted. Thread-safe: each tunnel has its own
 * {@link ReentrantLock}; operations on different tunnels run in parallel.
 *
 * <p>Decisions the design left open (recorded in {@code docs/core-orchestration.md}): a tunnel whose
 * probe passes while the agent cannot reach its router (so cannot renew the lease) is
 * {@code DEGRADED} with that reason, not {@code ROUTER_UNREACHABLE}, because it carries traffic;
 * {@code ROUTER_UNREACHABLE} and {@code RELAY_UNREACHABLE} mean the probe fails and that host is why.
 */
final class SupervisingTunnelManager implements SupervisedTunnelManager {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisingTunnelManager.class);
    /** What OpenSSH, dropbear and autossh log when the relay refuses the {@code -R} listener. */
    private static final Pattern BIND_FAILURE = Pattern.compile(
            "(?i)(remote port forwarding failed|address already in use|cannot listen to port|port forwarding failed)");
    private static final Duration JOIN_BOUND = Duration.ofSeconds(5);

    private final ShellConnector connector;
    private final TunnelLauncher launcher;
    private final RelayGateway gateway;
    private final PortAllocator allocator;
    private final EndToEndProbe probe;
    private final RemoteProcessController processes;
    private final StateStore store;
    private final Clock clock;
    private final ManagerSettings settings;
    private final RandomGenerator random;
    private final ReentrantLock randomLock = new ReentrantLock();
    private final RetryPolicy<Object> repairPolicy;
    private final EventDispatcher events = new EventDispatcher();
    private final Map<TunnelId, Tunnel> tunnels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SupervisingTunnelManager(ShellConnector connector, TunnelLauncher launcher, RelayGateway gateway,
            PortAllocator allocator, EndToEndProbe probe, RemoteProcessController processes, StateStore store,
            Clock clock, ManagerSettings settings, RandomGenerator random) {
        this.connector = connector;
        this.launcher = launcher;
        this.gateway = gateway;
        this.allocator = allocator;
        this.probe = probe;
        this.processes = processes;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.random = random;
        RetryPolicyBuilder<Object> retry = RetryPolicy.builder()
                .handle(NetPilotException.class)
                .withMaxRetries(-1)
                .withBackoff(settings.backoffBase(), settings.backoffCap());
        if (settings.backoffJitter() > 0) {
            retry.withJitter(settings.backoffJitter());
        }
        this.repairPolicy = retry.build();
    }

    // ---------------------------------------------------------------- connect

    @Override
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    public TunnelSnapshot connect(ConnectRequest request) {
        ensureOpen();
        TunnelSpec spec = request.spec();
        TunnelId id = spec.id();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", id.value())) {
            while (true) {
                Tunnel existing = tunnels.get(id);
                if (existing != null) {
                    existing.lock.lock();
                    try {
                        if (tunnels.get(id) != existing) {
                            continue;
                        }
                        TunnelState s = existing.state();
                        if (!(s instanceof TunnelState.Failed) && !(s instanceof TunnelState.Stopped)) {
                            LOG.info("tunnel {} is already wanted ({}); not connecting again", id, s.name());
                            return existing.snapshot();
                        }
                        tunnels.remove(id, existing);
                    } finally {
                        existing.lock.unlock();
                    }
                    stopSupervision(existing);
                }
                Optional<TunnelRecord> stored = store.tunnel(id).filter(r -> r.token().isPresent());
                TunnelRecord initial = stored
                        .map(r -> new TunnelRecord(spec, r.port(), r.token(), r.state(), r.established(), r.lastHeartbeat()))
                        .orElseGet(() -> TunnelRecord.requested(spec));
                Tunnel t = new Tunnel(initial, request.routerCredentials(), request.relayCredentials(),
                        request.hostKeyPolicy(), now());
                t.lock.lock();
                try {
                    if (tunnels.putIfAbsent(id, t) != null) {
                        continue;
                    }
                    if (stored.isPresent()) {
                        LOG.info("tunnel {} is wanted from an earlier run; restoring it instead of launching anew", id);
                        restoreLocked(t);
                        startSupervision(t);
                        return t.snapshot();
                    }
                    TunnelSnapshot up = connectLocked(t);
                    startSupervision(t);
                    return up;
                } finally {
                    t.lock.unlock();
                }
            }
        }
    }

    /** Brings a never-launched tunnel up; on failure undoes everything, forgets it and throws. */
    private TunnelSnapshot connectLocked(Tunnel t) {
        TunnelSpec spec = t.record().spec();
        if (t.state() instanceof TunnelState.Connecting) {
            // a fresh request starts as CONNECTING; say that it left STOPPED (nothing ran)
            events.emit(new TunnelEvent.StateChanged(t.id(), now(), TunnelState.STOPPED, TunnelState.CONNECTING));
        } else {
            transition(t, TunnelState.CONNECTING);
        }
        Undo undo = new Undo();
        try {
            RemoteShell router = openRouter(t);
            RemoteShell relay = openRelay(t);
            String routerKey = onRouter(spec, () -> launcher.ensureRouterKey(router));
            Launched l = launchWithFallback(t, router, relay, routerKey, spec.requestedPort(), otherPorts(spec), undo);
            Instant now = now();
            TunnelRecord rec = new TunnelRecord(spec, OptionalInt.of(l.port()), Optional.of(l.token()),
                    TunnelState.UP, Optional.of(now), Optional.of(now));
            store.saveTunnel(rec);
            undo.clear();
            t.record(rec);
            t.leaseRenewedAt = now;
            t.heartbeatPersistedAt = now;
            t.leaseProblem = Optional.empty();
            t.failures = 0;
            t.lastRtt(l.rtt());
            recordRouter(spec, c -> c.succeeded(now));
            emitState(t, TunnelState.UP);
            if (l.firstPort() != l.port()) {
                events.emit(new TunnelEvent.PortChanged(t.id(), now, l.firstPort(), l.port(), l.why()));
            }
            events.emit(new TunnelEvent.Metrics(t.id(), now, l.port(), l.rtt()));
            LOG.info("tunnel {} is up on relay port {} (token {})", t.id(), l.port(), l.token());
            return t.snapshot();
        } catch (RuntimeException e) {
            NetPilotException failure = asNetPilot(e, "connect of " + t.id());
            LOG.warn("connect of {} failed, undoing what it started: {}", t.id(), failure.getMessage());
            undo.run();
            t.closeShells();
            tunnels.remove(t.id(), t);
            recordRouter(spec, c -> c.failed(failure.getMessage()));
            events.emit(new TunnelEvent.Error(t.id(), now(), failure.getMessage()));
            emitState(t, new TunnelState.Failed(failure.getMessage()));
            throw failure;
        }
    }

    private record Launched(int port, CleanupToken token, Duration rtt, int firstPort, String why) {}

    /**
     * Allocates a port, launches on it and waits for the probe; when the port turns out to be held
     * by someone else, undoes that attempt and tries another (bounded). Steps that stay are pushed
     * onto {@code undo}.
     */
    private Launched launchWithFallback(Tunnel t, RemoteShell router, RemoteShell relay, String routerKey,
            OptionalInt requested, Set<Integer> excluded, Undo undo) {
        TunnelSpec spec = t.record().spec();
        RouterId rid = spec.router().id();
        int first = 0;
        String why = "";
        PortLostException last = null;
        for (int attempt = 0; attempt < settings.portAttempts(); attempt++) {
            Set<Integer> exclude = Set.copyOf(excluded);
            PortLease lease = onRelay(spec, () -> allocator.allocate(relay, rid, spec.portRange(), requested, exclude));
            int port = lease.port();
            if (first == 0) {
                first = port;
            }
            Undo attemptUndo = new Undo();
            attemptUndo.push("release relay port " + port, () -> allocator.release(relay, rid, port));
            try {
                store.savePortLease(lease);
                attemptUndo.push("forget the lease of port " + port, () -> store.removePortLease(lease.relay(), port));
                CleanupToken token = newToken(rid, port);
                ProbeResult.Reached reached = launchAndAwait(t, router, relay, routerKey, port, token, attemptUndo);
                undo.adopt(attemptUndo);
                return new Launched(port, token, reached.roundTrip(), first, why);
            } catch (PortLostException lost) {
                attemptUndo.run();
                if (requested.isPresent()) {
                    throw new PortUnavailableException("relay port " + port + " was asked for but cannot be bound: "
                            + lost.getMessage() + ". Ask for another with --port, or leave --port out to let NetPilot choose.");
                }
                LOG.warn("relay port {} is lost ({}); trying another", port, lost.getMessage());
                excluded.add(port);
                why = "relay port " + port + " was lost: " + lost.getMessage();
                last = lost;
            } catch (RuntimeException e) {
                undo.adopt(attemptUndo);
                throw e;
            }
        }
        throw new PortUnavailableException("no relay port could be bound after " + settings.portAttempts()
                + " attempts (last: " + (last == null ? "none" : last.getMessage()) + "); free ports in "
                + spec.portRange() + " on the relay, or give a wider --port-range");
    }

    /** Authorizes the router on the relay, launches with {@code token} and waits for the probe. */
    private ProbeResult.Reached launchAndAwait(Tunnel t, RemoteShell router, RemoteShell relay, String routerKey,
            int port, CleanupToken token, Undo undo) {
        TunnelSpec spec = t.record().spec();
        onRelay(spec, () -> {
            gateway.authorize(relay, routerKey, token);
            return null;
        });
        undo.push("revoke " + token + " on the relay", () -> gateway.revoke(relay, token));
        SshAddress relayAddress = spec.relay().address();
        LaunchPlan plan = new LaunchPlan(token, new Forward(port, spec.targetPort()),
                new SshAddress(spec.relay().tunnelUser(), relayAddress.host(), relayAddress.port()),
                relay.hostPublicKey(), spec.leaseTtl());
        undo.push("stop the router processes of " + token, () -> stopRouterSide(router, token));
        int pid = onRouter(spec, () -> launcher.launch(router, plan));
        LOG.info("launched {} on the router (supervisor pid {}); waiting for the end-to-end probe", token, pid);
        return awaitProbe(spec, router, relay, port, token);
    }

    private ProbeResult.Reached awaitProbe(TunnelSpec spec, RemoteShell router, RemoteShell relay, int port, CleanupToken token) {
        long deadline = System.nanoTime() + settings.connectProbeWait().toNanos();
        String lastReason = "no answer";
        for (int polls = 1; ; polls++) {
            ProbeResult r = onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
            if (r instanceof ProbeResult.Reached reached) {
                return reached;
            }
            lastReason = ((ProbeResult.Unreached) r).reason();
            boolean timeUp = System.nanoTime() - deadline >= 0;
            if (polls % 4 == 0 || timeUp) {
                RouterTunnelStatus status = onRouter(spec, () -> launcher.inspect(router, token));
                String log = status.logTail().strip();
                if (BIND_FAILURE.matcher(log).find()) {
                    throw new PortLostException(port, "the relay refused to let the router listen on port " + port
                            + " (router log: " + lastLine(log) + ")");
                }
                if (timeUp) {
                    if (onRelay(spec, () -> gateway.isListening(relay, port))
                            && !onRelay(spec, () -> gateway.liveSessions(relay)).contains(token)) {
                        throw new PortLostException(port, "another process listens on relay port " + port);
                    }
                    throw new NetPilotException("the tunnel on relay port " + port + " did not answer within "
                            + settings.connectProbeWait() + " (last probe: " + lastReason + "; the router's supervisor "
                            + (status.alive() ? "runs" : "is not running") + (log.isEmpty() ? "" : "; router log: " + lastLine(log))
                            + "). Check that the router can reach " + spec.relay().address().hostAndPort()
                            + " and that its SSH server listens on port " + spec.targetPort() + ".");
                }
            }
            pause(settings.connectProbePoll());
        }
    }

    // ---------------------------------------------------------------- supervision

    private void startSupervision(Tunnel t) {
        t.stopRequested = false;
        t.supervisor = Thread.ofVirtual().name("netpilot-supervise-" + t.id()).start(() -> supervise(t));
    }

    /** Asks the supervisor to stop and waits (bounded) until it has; never from the supervisor itself. */
    private void stopSupervision(Tunnel t) {
        t.stopRequested = true;
        t.wake();
        Thread th = t.supervisor;
        if (th != null && th != Thread.currentThread()) {
            th.interrupt();
            try {
                if (!th.join(JOIN_BOUND)) {
                    LOG.warn("supervisor of {} did not stop within {}", t.id(), JOIN_BOUND);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void supervise(Tunnel t) {
        MDC.put("tunnel", t.id().value());
        Execution<Object> repairs = null;
        Duration delay = settings.probeInterval();
        try {
            while (!t.stopRequested && !closed) {
                if (!t.await(delay) || t.stopRequested) {
                    return;
                }
                t.lock.lock();
                try {
                    if (t.stopRequested) {
                        return;
                    }
                    delay = settings.probeInterval();
                    if (checkOnce(t)) {
                        repairs = null;
                        continue;
                    }
                    if (t.failures < settings.failuresBeforeRepair()) {
                        continue;
                    }
                    if (repairs == null) {
                        repairs = newRepairExecution();
                    }
                    try {
                        repairOnce(t);
                        repairs = null;
                    } catch (NetPilotException e) {
                        if (t.stopRequested) {
                            return;
                        }
                        repairs.recordException(e);
                        delay = repairs.getDelay();
                        noteFailure(t, e);
                        LOG.warn("repair of {} failed (attempt {}), next in {}: {}",
                                t.id(), repairs.getAttemptCount(), delay, e.getMessage());
                    }
                } catch (RuntimeException e) {
                    LOG.error("supervision of {} failed unexpectedly; it goes on", t.id(), e);
                } finally {
                    t.lock.unlock();
                }
            }
        } finally {
            MDC.remove("tunnel");
        }
    }

    @SuppressWarnings("unchecked") // Failsafe's Execution.of takes generic varargs
    private Execution<Object> newRepairExecution() {
        return Execution.of(repairPolicy);
    }

    /** One probe (and a lease renewal when due). Returns whether the tunnel answered. */
    private boolean checkOnce(Tunnel t) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        int port = rec.port().orElseThrow();
        ProbeResult result;
        boolean relayDown = false;
        try {
            RemoteShell relay = openRelay(t);
            result = onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
        } catch (HostUnreachableException e) {
            Tunnel.closeQuietly(t.relayShell);
            t.relayShell = null;
            result = new ProbeResult.Unreached(e.getMessage());
            relayDown = true;
        }
        renewLeaseIfDue(t);
        Instant now = now();
        switch (result) {
            case ProbeResult.Reached reached -> {
                t.failures = 0;
                t.lastRtt(reached.roundTrip());
                TunnelState next = t.leaseProblem
                        .<TunnelState>map(p -> new TunnelState.Degraded("the agent cannot reach the router to renew its lease ("
                                + p + "); the tunnel works, but the router ends it when the lease lapses"))
                        .orElseGet(() -> reached.roundTrip().compareTo(settings.slowProbe()) > 0
                                ? new TunnelState.Degraded("probes are slow (over " + settings.slowProbe() + ")")
                                : TunnelState.UP);
                boolean changed = !rec.state().equals(next);
                boolean heartbeatDue = Duration.between(t.heartbeatPersistedAt, now).compareTo(settings.heartbeatPersistInterval()) >= 0;
                if (changed || heartbeatDue) {
                    store.updateTunnel(t.id(), r -> r.withHeartbeat(now).withState(next));
                    t.heartbeatPersistedAt = now;
                }
                t.record(rec.withHeartbeat(now).withState(next));
                emitState(t, next);
                events.emit(new TunnelEvent.Metrics(t.id(), now, port, reached.roundTrip()));
                return true;
            }
            case ProbeResult.Unreached unreached -> {
                t.failures++;
                t.lastProbeFailure = unreached.reason();
                LOG.info("probe of {} on port {} failed ({} in a row): {}", t.id(), port, t.failures, unreached.reason());
                if (relayDown) {
                    transition(t, new TunnelState.RelayUnreachable("the agent cannot reach the relay: " + unreached.reason()));
                } else if (t.failures < settings.failuresBeforeRepair()) {
                    transition(t, new TunnelState.Degraded(t.failures + " of " + settings.failuresBeforeRepair()
                            + " probes failed before repair: " + unreached.reason()));
                }
                return false;
            }
        }
    }

    private void renewLeaseIfDue(Tunnel t) {
        TunnelRecord rec = t.record();
        Duration every = rec.spec().leaseTtl().dividedBy(3);
        Instant now = now();
        if (Duration.between(t.leaseRenewedAt, now).compareTo(every) < 0 || rec.token().isEmpty()) {
            return;
        }
        try {
            RemoteShell router = openRouter(t);
            onRouter(rec.spec(), () -> {
                launcher.renewLease(router, rec.token().get(), rec.spec().leaseTtl());
                return null;
            });
            t.leaseRenewedAt = now;
            if (t.leaseProblem.isPresent()) {
                LOG.info("lease of {} renewed again", t.id());
            }
            t.leaseProblem = Optional.empty();
        } catch (NetPilotException e) {
            LOG.warn("could not renew the lease of {}: {}", t.id(), e.getMessage());
            t.leaseProblem = Optional.of(e.getMessage());
            if (t.routerShell != null && !t.routerShell.isOpen()) {
                Tunnel.closeQuietly(t.routerShell);
                t.routerShell = null;
            }
        }
    }

    /**
     * Diagnoses a tunnel whose probes failed and repairs it: if the router's supervisor is alive and
     * the probe passes again, nothing is done; otherwise it is relaunched on its port (or a new one).
     *
     * @throws NetPilotException when this attempt did not bring it back
     */
    private void repairOnce(Tunnel t) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        transition(t, new TunnelState.Recovering("the end-to-end probe failed " + settings.failuresBeforeRepair()
                + " times in a row (" + t.lastProbeFailure + "); repairing"));
        RemoteShell relay = openRelay(t);
        RemoteShell router = openRouter(t);
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        RouterTunnelStatus status = onRouter(spec, () -> launcher.inspect(router, token));
        if (status.alive()) {
            ProbeResult again = onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
            if (again instanceof ProbeResult.Reached reached) {
                LOG.info("tunnel {} answers again by itself", t.id());
                markUp(t, reached, false);
                return;
            }
        }
        LOG.info("relaunching {} (supervisor {}, lease {} left)", t.id(), status.alive() ? "alive" : "gone", status.leaseRemaining());
        relaunch(t, router, relay);
    }

    /** Relaunches the tunnel on its port with its token, or falls back to a new port when that one is lost. */
    private void relaunch(Tunnel t, RemoteShell router, RemoteShell relay) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        String routerKey = onRouter(spec, () -> launcher.ensureRouterKey(router));
        try {
            ProbeResult.Reached reached = relaunchSamePort(t, router, relay, routerKey, port, token);
            markUp(t, reached, true);
        } catch (PortLostException lost) {
            if (spec.requestedPort().isPresent()) {
                throw new PortUnavailableException("relay port " + port + " was asked for but is lost: " + lost.getMessage()
                        + ". Disconnect and connect again with another --port, or without --port.");
            }
            LOG.warn("relay port {} of {} is lost ({}); moving to another port", port, t.id(), lost.getMessage());
            releaseRouterAndRelay(t, router, relay, port, token);
            Set<Integer> excluded = otherPorts(spec);
            excluded.add(port);
            Undo undo = new Undo();
            try {
                Launched l = launchWithFallback(t, router, relay, routerKey, OptionalInt.empty(), excluded, undo);
                Instant now = now();
                TunnelRecord moved = t.record().withLaunch(l.port(), l.token()).withState(TunnelState.UP).withEstablished(now);
                store.saveTunnel(moved);
                undo.clear();
                t.record(moved);
                afterUp(t, now, l.rtt());
                emitState(t, TunnelState.UP);
                events.emit(new TunnelEvent.PortChanged(t.id(), now, port, l.port(), "relay port " + port + " was lost: " + lost.getMessage()));
                events.emit(new TunnelEvent.Metrics(t.id(), now, l.port(), l.rtt()));
            } catch (RuntimeException e) {
                undo.run();
                throw e;
            }
        }
    }

    private ProbeResult.Reached relaunchSamePort(Tunnel t, RemoteShell router, RemoteShell relay, String routerKey,
            int port, CleanupToken token) {
        TunnelSpec spec = t.record().spec();
        onRouter(spec, () -> stopRouterSide(router, token));
        if (onRelay(spec, () -> gateway.isListening(relay, port))) {
            boolean ended = onRelay(spec, () -> gateway.endSession(relay, token));
            if (ended) {
                LOG.info("ended the relay's stale session of {} to free port {}", token, port);
            }
            if (!ended || !portFreed(spec, relay, port)) {
                throw new PortLostException(port, "relay port " + port + " is held by another session");
            }
        }
        PortLease lease;
        try {
            lease = onRelay(spec, () -> allocator.allocate(relay, spec.router().id(), spec.portRange(), OptionalInt.of(port), Set.of()));
        } catch (PortLostException e) {
            throw e;
        } catch (PortUnavailableException e) {
            throw new PortLostException(port, e.getMessage());
        }
        store.savePortLease(lease);
        Undo undo = new Undo();
        try {
            return launchAndAwait(t, router, relay, routerKey, port, token, undo);
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
    }

    private boolean portFreed(TunnelSpec spec, RemoteShell relay, int port) {
        for (int i = 0; i < 8; i++) {
            if (!onRelay(spec, () -> gateway.isListening(relay, port))) {
                return true;
            }
            pause(settings.connectProbePoll());
        }
        return false;
    }

    /** Stops the router side, removes the relay authorization and gives the port back. */
    private void releaseRouterAndRelay(Tunnel t, RemoteShell router, RemoteShell relay, int port, CleanupToken token) {
        TunnelSpec spec = t.record().spec();
        Undo release = new Undo();
        release.push("forget the lease of port " + port, () -> store.removePortLease(spec.relay().address().hostAndPort(), port));
        release.push("release relay port " + port, () -> allocator.release(relay, spec.router().id(), port));
        release.push("revoke " + token, () -> gateway.revoke(relay, token));
        release.push("stop " + token + " on the router", () -> stopRouterSide(router, token));
        release.run();
    }

    private void markUp(Tunnel t, ProbeResult.Reached reached, boolean relaunched) {
        Instant now = now();
        TunnelRecord rec = t.record().withState(TunnelState.UP);
        rec = relaunched ? rec.withEstablished(now) : rec.withHeartbeat(now);
        TunnelRecord saved = rec;
        store.updateTunnel(t.id(), r -> saved);
        t.record(saved);
        afterUp(t, now, reached.roundTrip());
        emitState(t, TunnelState.UP);
        events.emit(new TunnelEvent.Metrics(t.id(), now, saved.port().orElseThrow(), reached.roundTrip()));
    }

    private void afterUp(Tunnel t, Instant now, Duration rtt) {
        t.failures = 0;
        t.leaseRenewedAt = now;
        t.heartbeatPersistedAt = now;
        t.leaseProblem = Optional.empty();
        t.lastRtt(rtt);
    }

    private void noteFailure(Tunnel t, NetPilotException e) {
        TunnelState s;
        if (e instanceof RouterUnreachableException) {
            s = new TunnelState.RouterUnreachable(e.getMessage());
        } else if (e instanceof RelayUnreachableException) {
            s = new TunnelState.RelayUnreachable(e.getMessage());
        } else {
            s = new TunnelState.Recovering(e.getMessage());
        }
        try {
            transition(t, s);
        } catch (NetPilotException storeFailure) {
            LOG.error("could not record the state of {}: {}", t.id(), storeFailure.getMessage());
        }
        events.emit(new TunnelEvent.Error(t.id(), now(), e.getMessage()));
    }

    @Override
    public void networkChanged() {
        LOG.info("network changed; probing every tunnel now");
        tunnels.values().forEach(Tunnel::wake);
    }

    // ---------------------------------------------------------------- restore

    @Override
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    public List<TunnelSnapshot> restore() {
        ensureOpen();
        List<TunnelRecord> wanted = store.tunnels();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (TunnelRecord rec : wanted) {
                pool.submit(() -> {
                    try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", rec.id().value())) {
                        restoreOne(rec);
                    } catch (RuntimeException e) {
                        LOG.error("restoring {} failed: {}", rec.id(), e.getMessage(), e);
                    }
                });
            }
        }
        return tunnels();
    }

    private void restoreOne(TunnelRecord rec) {
        Tunnel existing = tunnels.get(rec.id());
        if (existing != null && existing.supervisor != null && existing.supervisor.isAlive()) {
            return;
        }
        Tunnel t = StoredLogin.tunnel(rec, now());
        t.lock.lock();
        try {
            if (existing != null) {
                tunnels.remove(rec.id(), existing);
            }
            if (tunnels.putIfAbsent(rec.id(), t) != null) {
                return;
            }
            Optional<TunnelState> missingKey = StoredLogin.missingKey(rec.spec());
            if (missingKey.isPresent()) {
                LOG.warn("tunnel {} cannot be restored: {}", t.id(), missingKey.get().reason().orElseThrow());
                transition(t, missingKey.get());
                return;
            }
            if (rec.token().isEmpty()) {
                try {
                    connectLocked(t);
                    startSupervision(t);
                } catch (NetPilotException e) {
                    tunnels.putIfAbsent(rec.id(), t);
                    LOG.warn("tunnel {} was wanted but never launched, and launching it failed: {}", t.id(), e.getMessage());
                }
                return;
            }
            restoreLocked(t);
            startSupervision(t);
        } finally {
            t.lock.unlock();
        }
    }

    /**
     * Adopts the tunnel when it is healthy, else relaunches it; a failure leaves it to supervision.
     *
     * @return whether its running processes were adopted
     */
    private boolean restoreLocked(Tunnel t) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        emitState(t, TunnelState.CONNECTING);
        try {
            RemoteShell relay = openRelay(t);
            RemoteShell router = openRouter(t);
            RouterTunnelStatus status = onRouter(spec, () -> launcher.inspect(router, token));
            if (status.alive()) {
                ProbeResult r = onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
                if (r instanceof ProbeResult.Reached reached) {
                    onRouter(spec, () -> {
                        launcher.renewLease(router, token, spec.leaseTtl());
                        return null;
                    });
                    LOG.info("adopted the running tunnel {} on relay port {}", t.id(), port);
                    markUp(t, reached, false);
                    recordRouter(spec, c -> c.succeeded(now()));
                    return true;
                }
            }
            LOG.info("tunnel {} is not healthy (supervisor {}); relaunching it on relay port {}",
                    t.id(), status.alive() ? "alive" : "gone", port);
            relaunch(t, router, relay);
            recordRouter(spec, c -> c.succeeded(now()));
        } catch (NetPilotException e) {
            LOG.warn("could not restore {} now; supervision keeps trying: {}", t.id(), e.getMessage());
            t.failures = settings.failuresBeforeRepair() - 1;
            t.lastProbeFailure = e.getMessage();
            recordRouter(spec, c -> c.failed(e.getMessage()));
            noteFailure(t, e);
        }
        return false;
    }

    // ---------------------------------------------------------------- rediscover

    @Override
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    public RediscoveryReport rediscover(RouterEndpoint router, Credentials credentials) {
        ensureOpen();
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(credentials, "credentials");
        RemoteShell shell;
        try {
            shell = connector.open(router.address(), credentials, HostKeyPolicy.PINNED_ONLY);
        } catch (HostUnreachableException e) {
            throw routerUnreachable(router.address(), e);
        }
        List<RediscoveryReport.Found> found = new ArrayList<>();
        List<RediscoveryReport.Orphan> orphans = new ArrayList<>();
        try {
            List<CleanupToken> tokens = onRouterAt(router.address(), () -> launcher.tokens(shell));
            for (CleanupToken token : tokens) {
                if (wantedTokens().contains(token)) {
                    continue;
                }
                try (MDC.MDCCloseable ignored = MDC.putCloseable("token", token.value())) {
                    if (!token.belongsTo(router.id())) {
                        String why = "its token names another address of this router than " + router.address()
                                + ", so another agent may own it; left alone (`netpilot clean --force` on that router stops it)";
                        LOG.warn("{}: {}", token, why);
                        orphans.add(new RediscoveryReport.Orphan(token, List.of(), List.of(), Optional.of(why)));
                        continue;
                    }
                    Optional<TunnelRecord> rebuilt = onRouterAt(router.address(), () -> launcher.describe(shell, token))
                            .flatMap(d -> rebuild(router, d)).map(rec -> StoredLogin.withRememberedKeys(rec, store, credentials));
                    Optional<RediscoveryReport.Found> back = rebuilt.flatMap(rec -> takeBack(rec, credentials));
                    if (back.isPresent()) {
                        found.add(back.get());
                    } else {
                        orphans.add(stopOrphan(router, shell, token, rebuilt.isPresent()
                                ? "another tunnel with the same router, target and relay is already wanted"
                                : "the router has no valid launch plan for it"));
                    }
                }
            }
        } finally {
            Tunnel.closeQuietly(shell);
        }
        LOG.info("rediscovery on {}: {} tunnel(s) taken back, {} orphan(s) stopped", router.address(), found.size(), orphans.size());
        return new RediscoveryReport(router.address(), found, orphans);
    }

    private Set<CleanupToken> wantedTokens() {
        Set<CleanupToken> wanted = new HashSet<>();
        store.tunnels().forEach(r -> r.token().ifPresent(wanted::add));
        tunnels.values().forEach(t -> t.record().token().ifPresent(wanted::add));
        return wanted;
    }

    /** The wanted tunnel {@code d} describes, reached at {@code router}; empty when the parts do not make a valid spec. */
    private Optional<TunnelRecord> rebuild(RouterEndpoint router, DiscoveredTunnel d) {
        try {
            RelayEndpoint relay = new RelayEndpoint(d.relay(), d.relay().user(), Optional.empty());
            int target = d.forward().targetPort();
            TunnelSpec spec = new TunnelSpec(TunnelId.derive(router.address(), target, d.relay()), router, relay, target,
                    PortRange.DEFAULT, OptionalInt.empty(), d.leaseTtl());
            return Optional.of(new TunnelRecord(spec, OptionalInt.of(d.token().port()), Optional.of(d.token()),
                    TunnelState.STOPPED, Optional.empty(), Optional.empty()));
        } catch (NetPilotException e) {
            LOG.warn("the launch plan of {} does not make a valid tunnel: {}", d.token(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Makes {@code rec} wanted again and restores it; empty (nothing changed) when its id is already
     * wanted with another token, so the caller stops this one as a duplicate.
     */
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    private Optional<RediscoveryReport.Found> takeBack(TunnelRecord rec, Credentials credentials) {
        if (store.tunnel(rec.id()).isPresent()) {
            LOG.warn("{} would be tunnel {}, which is already wanted with token {}; stopping it as a duplicate",
                    rec.token().orElseThrow(), rec.id(), store.tunnel(rec.id()).flatMap(TunnelRecord::token).map(Object::toString).orElse("none"));
            return Optional.empty();
        }
        Tunnel t = new Tunnel(rec, credentials, rec.spec().keys().relayCredentials(), HostKeyPolicy.PINNED_ONLY, now());
        t.lock.lock();
        try {
            if (tunnels.putIfAbsent(rec.id(), t) != null) {
                return Optional.empty();
            }
            store.saveTunnel(rec);
            LOG.info("rediscovered {} as tunnel {} on relay port {}; restoring it", rec.token().orElseThrow(), rec.id(), rec.port().getAsInt());
            boolean adopted;
            try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", rec.id().value())) {
                adopted = restoreLocked(t);
            }
            startSupervision(t);
            return Optional.of(new RediscoveryReport.Found(rec.token().orElseThrow(), t.snapshot(), adopted));
        } catch (RuntimeException e) {
            tunnels.remove(rec.id(), t);
            throw e;
        } finally {
            t.lock.unlock();
        }
    }

    private RediscoveryReport.Orphan stopOrphan(RouterEndpoint router, RemoteShell shell, CleanupToken token, String why) {
        LOG.warn("stopping {} on {}: {}", token, router.address(), why);
        try {
            StopResult r = onRouterAt(router.address(), () -> stopRouterSide(shell, token));
            return new RediscoveryReport.Orphan(token, r.stopped(), r.survivors(), r.complete() ? Optional.empty()
                    : Optional.of(r.survivors().size() + " process(es) survived; the router ends them when their lease lapses"));
        } catch (NetPilotException e) {
            return new RediscoveryReport.Orphan(token, List.of(), List.of(), Optional.of("could not stop it (" + why + "): "
                    + e.getMessage() + "; `netpilot clean --force` tries again, and its lease ends it"));
        }
    }

    private static <T> T onRouterAt(SshAddress address, Supplier<T> action) {
        try {
            return action.get();
        } catch (HostUnreachableException e) {
            throw routerUnreachable(address, e);
        }
    }

    // ---------------------------------------------------------------- disconnect, cleanup

    @Override
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    public CleanupReport disconnect(TunnelId id) {
        ensureOpen();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", id.value())) {
            Tunnel t = tunnels.get(id);
            if (t == null) {
                TunnelRecord rec = store.tunnel(id).orElseThrow(() -> new TunnelNotFoundException(
                        "no wanted tunnel has the id " + id + "; `netpilot status` lists the tunnels"));
                t = StoredLogin.tunnel(rec, now());
            }
            stopSupervision(t);
            t.lock.lock();
            try {
                transition(t, TunnelState.STOPPING);
                Stopped s = stopOne(t, true);
                store.removeTunnel(id);
                tunnels.remove(id, t);
                t.closeShells();
                emitState(t, TunnelState.STOPPED);
                LOG.info("disconnected {}{}", id, s.entry().error().map(e -> " with problems: " + e).orElse(""));
                return new CleanupReport(List.of(s.entry()));
            } finally {
                t.lock.unlock();
            }
        }
    }

    private record Stopped(CleanupReport.Entry entry, boolean routerClean) {}

    /**
     * Stops the tunnel's router processes and removes its relay authorization; with {@code forget},
     * also releases its port. Failures are reported in the entry, not thrown.
     */
    private Stopped stopOne(Tunnel t, boolean forget) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        List<RemoteProcess> stopped = List.of();
        List<RemoteProcess> survivors = List.of();
        List<String> errors = new ArrayList<>();
        boolean routerClean = true;
        if (rec.token().isPresent()) {
            CleanupToken token = rec.token().get();
            try {
                RemoteShell router = openRouter(t);
                StopResult r = onRouter(spec, () -> stopRouterSide(router, token));
                stopped = r.stopped();
                survivors = r.survivors();
                routerClean = r.complete();
                if (!r.complete()) {
                    errors.add(r.survivors().size() + " process(es) of " + token + " survived; the router ends them when their lease lapses");
                }
            } catch (NetPilotException e) {
                routerClean = false;
                errors.add("router " + spec.router().address() + ": " + e.getMessage()
                        + " (its tunnel processes end by themselves when their lease lapses, within " + spec.leaseTtl() + ")");
            }
            try {
                RemoteShell relay = openRelay(t);
                onRelay(spec, () -> {
                    gateway.revoke(relay, token);
                    if (forget) {
                        allocator.release(relay, spec.router().id(), token.port());
                    }
                    return null;
                });
            } catch (NetPilotException e) {
                errors.add("relay " + spec.relay().address() + ": " + e.getMessage());
            }
        }
        if (forget && rec.port().isPresent()) {
            try {
                store.removePortLease(spec.relay().address().hostAndPort(), rec.port().getAsInt());
            } catch (NetPilotException e) {
                errors.add("state: " + e.getMessage());
            }
        }
        Optional<String> error = errors.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", errors));
        return new Stopped(new CleanupReport.Entry(spec.router().address(), Optional.of(t.id()), stopped, survivors, error), routerClean);
    }

    /** Asks the supervisor to stop, stops the token's process trees, and removes its files when none survived. */
    private StopResult stopRouterSide(RemoteShell router, CleanupToken token) {
        try {
            launcher.requestStop(router, token);
        } catch (RuntimeException e) {
            if (e instanceof HostUnreachableException) {
                throw e;
            }
            LOG.debug("stop request for {} failed ({}); stopping its processes directly", token, e.getMessage());
        }
        List<RemoteProcess> found = processes.findByToken(router, token);
        StopResult result = found.isEmpty()
                ? new StopResult(List.of(), List.of())
                : processes.stopTrees(router, found, settings.stopPolicy());
        if (result.complete()) {
            launcher.removeFiles(router, token);
        }
        return result;
    }

    @Override
    public CleanupReport cleanup(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        List<TunnelRecord> wanted = store.tunnels();
        List<Tunnel> supervised = List.copyOf(tunnels.values());
        for (Tunnel t : supervised) {
            t.stopRequested = true;
            t.wake();
            Thread th = t.supervisor;
            if (th != null) {
                th.interrupt();
            }
        }
        Map<RouterId, List<TunnelRecord>> byRouter = wanted.stream()
                .collect(Collectors.groupingBy(r -> r.spec().router().id(), LinkedHashMap::new, Collectors.toList()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Map<RouterId, Future<List<CleanupReport.Entry>>> futures = new LinkedHashMap<>();
        byRouter.forEach((rid, records) -> futures.put(rid, pool.submit(() -> cleanRouter(records, deadline))));
        List<CleanupReport.Entry> entries = new ArrayList<>();
        try {
            for (Map.Entry<RouterId, Future<List<CleanupReport.Entry>>> f : futures.entrySet()) {
                List<TunnelRecord> records = byRouter.get(f.getKey());
                try {
                    entries.addAll(f.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    f.getValue().cancel(true);
                    records.forEach(r -> entries.add(unreached(r, "did not answer within the cleanup bound of " + bound)));
                } catch (ExecutionException e) {
                    records.forEach(r -> entries.add(unreached(r, String.valueOf(e.getCause().getMessage()))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    records.forEach(r -> entries.add(unreached(r, "cleanup was interrupted")));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        CleanupReport report = new CleanupReport(entries);
        LOG.info("cleanup of {} tunnel(s) on {} router(s) done{}", wanted.size(), byRouter.size(),
                report.complete() ? "" : "; some were left to their leases");
        return report;
    }

    private static CleanupReport.Entry unreached(TunnelRecord r, String why) {
        return new CleanupReport.Entry(r.spec().router().address(), Optional.of(r.id()), List.of(), List.of(),
                Optional.of("router " + r.spec().router().address() + " " + why
                        + "; its tunnel processes end by themselves when their lease lapses, within " + r.spec().leaseTtl()));
    }

    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    private List<CleanupReport.Entry> cleanRouter(List<TunnelRecord> records, long deadline) throws InterruptedException {
        List<CleanupReport.Entry> entries = new ArrayList<>();
        RemoteShell sharedRouter = null;
        RemoteShell sharedRelay = null;
        List<Tunnel> transients = new ArrayList<>();
        try {
            for (TunnelRecord rec : records) {
                Tunnel live = tunnels.get(rec.id());
                Tunnel t = live;
                if (t == null) {
                    t = StoredLogin.tunnel(rec, now());
                    t.routerShell = sharedRouter;
                    if (sharedRelay != null && rec.spec().relay().address().equals(sharedRelay.address())) {
                        t.relayShell = sharedRelay;
                    }
                    transients.add(t);
                }
                Thread th = t.supervisor;
                if (th != null) {
                    th.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                }
                if (!t.lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    entries.add(unreached(rec, "was busy past the cleanup bound"));
                    continue;
                }
                try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", rec.id().value())) {
                    if (live == null) {
                        t.record(rec);
                    }
                    transition(t, TunnelState.STOPPING);
                    Stopped s = stopOne(t, false);
                    entries.add(s.entry());
                    transition(t, s.routerClean() ? TunnelState.STOPPED
                            : new TunnelState.RouterUnreachable(s.entry().error().orElse("not cleaned")));
                    sharedRouter = t.routerShell;
                    sharedRelay = t.relayShell;
                } catch (NetPilotException e) {
                    entries.add(unreached(rec, "could not be cleaned: " + e.getMessage()));
                } finally {
                    t.lock.unlock();
                }
            }
        } finally {
            Set<RemoteShell> toClose = new LinkedHashSet<>();
            for (Tunnel t : transients) {
                if (t.routerShell != null) {
                    toClose.add(t.routerShell);
                }
                if (t.relayShell != null) {
                    toClose.add(t.relayShell);
                }
            }
            toClose.forEach(Tunnel::closeQuietly);
        }
        return entries;
    }

    @Override
    public CleanupReport forceCleanup(RouterEndpoint router, Credentials credentials, OptionalInt port) {
        ensureOpen();
        RemoteShell shell;
        try {
            shell = connector.open(router.address(), credentials, HostKeyPolicy.PINNED_ONLY);
        } catch (HostUnreachableException e) {
            throw routerUnreachable(router.address(), e);
        }
        try {
            Set<CleanupToken> tokens = new LinkedHashSet<>(launcher.tokens(shell));
            for (RemoteProcess p : processes.processes(shell)) {
                p.token().ifPresent(tokens::add);
            }
            if (port.isPresent()) {
                tokens.removeIf(tk -> tk.port() != port.getAsInt());
            }
            List<CleanupReport.Entry> entries = new ArrayList<>();
            Set<Integer> stoppedPids = new HashSet<>();
            for (CleanupToken token : tokens) {
                try {
                    StopResult r = stopRouterSide(shell, token);
                    r.stopped().forEach(p -> stoppedPids.add(p.pid()));
                    entries.add(new CleanupReport.Entry(router.address(), Optional.empty(), r.stopped(), r.survivors(),
                            Optional.empty()));
                } catch (NetPilotException e) {
                    entries.add(new CleanupReport.Entry(router.address(), Optional.empty(), List.of(), List.of(),
                            Optional.of("could not stop " + token + ": " + e.getMessage())));
                }
            }
            if (port.isPresent()) {
                List<RemoteProcess> legacy = processes.findByForwardPort(shell, port.getAsInt()).stream()
                        .filter(p -> !stoppedPids.contains(p.pid()))
                        .toList();
                if (!legacy.isEmpty()) {
                    StopResult r = processes.stopTrees(shell, legacy, settings.stopPolicy());
                    entries.add(new CleanupReport.Entry(router.address(), Optional.empty(), r.stopped(), r.survivors(),
                            Optional.empty()));
                }
            }
            LOG.info("force cleanup of {} stopped {} tunnel(s)", router.address(), entries.size());
            return new CleanupReport(entries);
        } catch (HostUnreachableException e) {
            throw routerUnreachable(router.address(), e);
        } finally {
            Tunnel.closeQuietly(shell);
        }
    }

    // ---------------------------------------------------------------- queries, events, close

    @Override
    public List<TunnelSnapshot> tunnels() {
        Map<TunnelId, TunnelSnapshot> out = new LinkedHashMap<>();
        for (TunnelRecord rec : store.tunnels()) {
            Tunnel t = tunnels.get(rec.id());
            out.put(rec.id(), t != null ? t.snapshot() : snapshotOf(rec));
        }
        for (Tunnel t : tunnels.values()) {
            out.putIfAbsent(t.id(), t.snapshot());
        }
        return List.copyOf(out.values());
    }

    @Override
    public Optional<TunnelSnapshot> tunnel(TunnelId id) {
        Tunnel t = tunnels.get(id);
        if (t != null) {
            return Optional.of(t.snapshot());
        }
        return store.tunnel(id).map(this::snapshotOf);
    }

    private TunnelSnapshot snapshotOf(TunnelRecord rec) {
        Instant since = rec.lastHeartbeat().or(rec::established).orElseGet(this::now);
        return new TunnelSnapshot(rec.id(), rec.spec().router().address(), rec.spec().relay().address(), rec.state(),
                rec.port(), since, rec.established(), rec.lastHeartbeat(), Optional.empty());
    }

    @Override
    public AutoCloseable subscribe(TunnelEventListener listener) {
        return events.subscribe(listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Tunnel> all = List.copyOf(tunnels.values());
        all.forEach(this::stopSupervision);
        for (Tunnel t : all) {
            t.lock.lock();
            try {
                t.closeShells();
            } finally {
                t.lock.unlock();
            }
        }
        events.close();
        LOG.info("tunnel manager closed; {} tunnel(s) left running on their routers under their leases", all.size());
    }

    // ---------------------------------------------------------------- helpers

    /** Persists {@code next} (if the tunnel is stored) and emits the change. */
    private void transition(Tunnel t, TunnelState next) {
        if (!t.record().state().equals(next)) {
            store.updateTunnel(t.id(), r -> r.withState(next));
            t.record(t.record().withState(next));
        }
        emitState(t, next);
    }

    /** Emits a state change when the live state differs; the caller persisted it already. */
    private void emitState(Tunnel t, TunnelState next) {
        Instant now = now();
        TunnelState old = t.state(next, now);
        if (!old.equals(next)) {
            LOG.info("tunnel {}: {} -> {}{}", t.id(), old.name(), next.name(), next.reason().map(r -> " (" + r + ")").orElse(""));
            events.emit(new TunnelEvent.StateChanged(t.id(), now, old, next));
        }
    }

    private RemoteShell openRouter(Tunnel t) {
        if (t.routerShell == null || !t.routerShell.isOpen()) {
            Tunnel.closeQuietly(t.routerShell);
            t.routerShell = null;
            SshAddress address = t.record().spec().router().address();
            try {
                t.routerShell = connector.open(address, t.routerCredentials, t.policy);
            } catch (HostUnreachableException e) {
                throw routerUnreachable(address, e);
            }
        }
        return t.routerShell;
    }

    private RemoteShell openRelay(Tunnel t) {
        if (t.relayShell == null || !t.relayShell.isOpen()) {
            Tunnel.closeQuietly(t.relayShell);
            t.relayShell = null;
            SshAddress address = t.record().spec().relay().address();
            try {
                t.relayShell = connector.open(address, t.relayCredentials, t.policy);
            } catch (HostUnreachableException e) {
                throw relayUnreachable(address, e);
            }
        }
        return t.relayShell;
    }

    private static <T> T onRouter(TunnelSpec spec, Supplier<T> action) {
        try {
            return action.get();
        } catch (HostUnreachableException e) {
            throw routerUnreachable(spec.router().address(), e);
        }
    }

    private static <T> T onRelay(TunnelSpec spec, Supplier<T> action) {
        try {
            return action.get();
        } catch (HostUnreachableException e) {
            throw relayUnreachable(spec.relay().address(), e);
        }
    }

    private static RouterUnreachableException routerUnreachable(SshAddress address, HostUnreachableException e) {
        if (e instanceof RouterUnreachableException r) {
            return r;
        }
        return new RouterUnreachableException("router " + address + " cannot be reached (" + e.getMessage()
                + "); check that it is on and that this machine can reach it", e);
    }

    private static RelayUnreachableException relayUnreachable(SshAddress address, HostUnreachableException e) {
        if (e instanceof RelayUnreachableException r) {
            return r;
        }
        return new RelayUnreachableException("relay " + address + " cannot be reached (" + e.getMessage()
                + "); check this machine's network and the relay", e);
    }

    private static NetPilotException asNetPilot(RuntimeException e, String what) {
        if (e instanceof NetPilotException n) {
            return n;
        }
        return new NetPilotException("unexpected failure during " + what + ": " + e
                + "; this is a bug, please report it with the agent's log", e);
    }

    /** The relay ports the other wanted tunnels on the same relay hold, so an allocation avoids them. */
    private Set<Integer> otherPorts(TunnelSpec spec) {
        String relay = spec.relay().address().hostAndPort();
        Set<Integer> ports = new HashSet<>();
        for (TunnelRecord r : store.tunnels()) {
            if (!r.id().equals(spec.id()) && r.spec().relay().address().hostAndPort().equals(relay)) {
                r.port().ifPresent(ports::add);
            }
        }
        return ports;
    }

    private void recordRouter(TunnelSpec spec, java.util.function.UnaryOperator<io.netpilot.core.RouterConnection> change) {
        try {
            store.updateRouterConnection(spec.router().address(), c -> StoredLogin.remember(c, change.apply(c), spec));
        } catch (NetPilotException e) {
            LOG.warn("could not record the connection history of {}: {}", spec.router().address(), e.getMessage());
        }
    }

    private CleanupToken newToken(RouterId router, int port) {
        randomLock.lock();
        try {
            return CleanupToken.generate(router, port, random);
        } finally {
            randomLock.unlock();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() > 200 ? last.substring(0, 200) + "..." : last;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetPilotException("interrupted while waiting for a tunnel; the agent is stopping");
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this tunnel manager is closed; start a new agent to manage tunnels");
        }
    }
}
