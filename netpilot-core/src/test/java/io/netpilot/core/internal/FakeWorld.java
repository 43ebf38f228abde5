package io.netpilot.core.internal;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StopPolicy;
import io.netpilot.core.StopResult;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.DiscoveredTunnel;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RevocationResult;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.SweepReport;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small in-memory stand-ins for the remote systems: routers that run "supervisors" (with a lease, a
 * log and two processes each), one relay with authorizations, listeners and port leases, and the
 * data plane between them (a launched supervisor binds its relay port if it is authorized and the
 * port is free; the probe reaches a port whose holder is a live supervisor). Every SPI method checks
 * its shell first, so an unreachable host fails like a lost session. One monitor guards it all.
 */
final class FakeWorld {
    /** A step that can be made to fail. */
    enum Step { OPEN_ROUTER, OPEN_RELAY, ENSURE_KEY, ALLOCATE, AUTHORIZE, LAUNCH, PROBE }

    static final Object FOREIGN = "foreign listener";
    /**
     * A stale session holding a port that no token's session can be found for (it is ending as the agent
     * looks); when the agent tries to end it, the tunnel's own supervisor has just bound the port again.
     */
    static final Object GHOST = "a stale session ending by itself";

    final MutableClock clock = new MutableClock();
    final FakeRelay relay = new FakeRelay(new SshAddress("agent", "relay.example", 22));
    final Map<String, FakeRouter> routers = new ConcurrentHashMap<>();
    final AtomicInteger pids = new AtomicInteger(1000);
    final AtomicInteger probes = new AtomicInteger();
    volatile Step failAt;
    volatile Duration rtt = Duration.ofMillis(5);

    final ShellConnector connector = this::open;
    final TunnelLauncher launcher = new Launcher();
    final RelayGateway gateway = new Gateway();
    final PortAllocator allocator = new Allocator();
    final EndToEndProbe probe = this::probe;
    final IdentityProbe identityProbe = this::verify;
    final AtomicInteger identityChecks = new AtomicInteger();
    final RemoteProcessController processes = new Processes();

    FakeRouter router(String host) {
        return routers.computeIfAbsent(host, h -> new FakeRouter(new SshAddress("root", h, 22)));
    }

    /** A public key line whose blob is {@code seed}: one per seed, so one fingerprint per seed. */
    static String fakeKey(String seed) {
        return "ssh-ed25519 " + java.util.Base64.getEncoder().encodeToString(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A supervisor running on a router. */
    static final class Sup {
        final CleanupToken token;
        final int pid;
        final LaunchPlan plan;
        boolean alive = true;
        Instant leaseExpiry;
        String log = "";

        Sup(CleanupToken token, int pid, LaunchPlan plan, Instant leaseExpiry) {
            this.token = token;
            this.pid = pid;
            this.plan = plan;
            this.leaseExpiry = leaseExpiry;
        }
    }

    abstract static class Host {
        final SshAddress address;
        volatile boolean reachable = true;
        /** The agent cannot reach this host, but the host's own connections (the data plane) still work. */
        volatile boolean agentCut;
        volatile CountDownLatch hang;
        final AtomicInteger opens = new AtomicInteger();
        /** Every session the agent opened to it, in order. */
        final List<FakeShell> sessions = new CopyOnWriteArrayList<>();

        Host(SshAddress address) {
            this.address = address;
        }

        abstract String hostKey();

        /** Its sessions that are open now. */
        long openSessions() {
            return sessions.stream().filter(FakeShell::isOpen).count();
        }
    }

    final class FakeRouter extends Host {
        final Map<CleanupToken, Sup> sups = new LinkedHashMap<>();
        final Set<CleanupToken> files = new LinkedHashSet<>();
        /** The launch plans in the work dir ({@code <token>.plan}); a test may delete one. */
        final Map<CleanupToken, LaunchPlan> plans = new LinkedHashMap<>();
        final List<CleanupToken> launched = new CopyOnWriteArrayList<>();
        final List<Long> launchNanos = new CopyOnWriteArrayList<>();
        final List<RemoteProcess> legacy = new ArrayList<>();
        final AtomicInteger renewals = new AtomicInteger();
        final AtomicInteger failLaunches = new AtomicInteger();
        /** Its client is dropbear's dbclient (the OpenWrt default), which words a refused listener its own way. */
        volatile boolean dbclient;

        /** The router's host key; a test may swap it (another router answering at the same address). */
        volatile String hostKey;

        FakeRouter(SshAddress address) {
            super(address);
            hostKey = fakeKey("router " + address.host());
        }

        @Override
        String hostKey() {
            return hostKey;
        }

        String routerKey() {
            return "ssh-ed25519 AAAAKEYOF" + address.host().replace(".", "");
        }

        /** The router loses power: its /tmp work dir and processes are gone; the relay drops the sessions. */
        void reboot() {
            reboot(false);
        }

        /** As {@link #reboot()}, but the relay keeps the dead sessions' listeners (a stale session). */
        void reboot(boolean relayKeepsStaleSession) {
            synchronized (FakeWorld.this) {
                for (Sup s : sups.values()) {
                    s.alive = false;
                    if (!relayKeepsStaleSession) {
                        relay.listeners.remove(s.token.port(), s.token);
                    }
                }
                sups.clear();
                files.clear();
                plans.clear();
            }
        }

        List<Sup> aliveSups() {
            synchronized (FakeWorld.this) {
                return sups.values().stream().filter(s -> s.alive).toList();
            }
        }
    }

    final class FakeRelay extends Host {
        final Map<CleanupToken, String> authorized = new LinkedHashMap<>();
        final Map<Integer, Object> listeners = new LinkedHashMap<>();
        final Map<Integer, RouterId> leases = new LinkedHashMap<>();
        /** The full owners of leases made with {@link LeaseOwner}s. */
        final Map<Integer, LeaseOwner> owners = new LinkedHashMap<>();
        /** The agent each tagged key line belongs to. */
        final Map<CleanupToken, AgentId> tags = new LinkedHashMap<>();
        /** When set, every {@code revokeTunnel} fails with this reason (a router blocked the relay's lock). */
        volatile String revokeFailure;
        final AtomicInteger sweeps = new AtomicInteger();
        final Set<Integer> takenRightAfterLease = new LinkedHashSet<>();
        final AtomicInteger endedSessions = new AtomicInteger();

        FakeRelay(SshAddress address) {
            super(address);
        }

        @Override
        String hostKey() {
            return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRelay";
        }
    }

    final class FakeShell implements RemoteShell {
        final Host host;
        volatile boolean open = true;
        /** It stopped answering without the agent noticing: it looks open, but every use fails as a lost session. */
        volatile boolean dead;

        FakeShell(Host host) {
            this.host = host;
        }

        @Override
        public SshAddress address() {
            return host.address;
        }

        @Override
        public String hostPublicKey() {
            return host.hostKey();
        }

        @Override
        public CommandResult exec(String command, Duration timeout) {
            throw new UnsupportedOperationException("the fakes answer through the SPIs, not through commands");
        }

        @Override
        public CommandResult exec(String command, byte[] stdin, Duration timeout) {
            throw new UnsupportedOperationException("the fakes answer through the SPIs, not through commands");
        }

        @Override
        public RemoteConnection connectLoopback(int port, Duration timeout) {
            throw new UnsupportedOperationException("the fake probe needs no connection");
        }

        @Override
        public boolean isOpen() {
            return open && host.reachable && !host.agentCut;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    private RemoteShell open(SshAddress address, Credentials credentials, HostKeyPolicy policy) {
        Host host = address.equals(relay.address) ? relay : routers.get(address.host());
        if (host == null) {
            throw new HostUnreachableException("no route to " + address);
        }
        fail(host == relay ? Step.OPEN_RELAY : Step.OPEN_ROUTER);
        CountDownLatch hang = host.hang;
        if (hang != null) {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostUnreachableException("connect to " + address + " interrupted");
            }
        }
        if (!host.reachable || host.agentCut) {
            throw new HostUnreachableException("connect to " + address + " timed out");
        }
        host.opens.incrementAndGet();
        FakeShell shell = new FakeShell(host);
        host.sessions.add(shell);
        return shell;
    }

    private void fail(Step step) {
        if (failAt == step) {
            throw new RemoteCommandException(step + " failed (test)");
        }
    }

    /** The fake session under {@code shell}: the agent hands its shared relay sessions out wrapped. */
    private static FakeShell fake(RemoteShell shell) {
        return (FakeShell) (shell instanceof SharedRelayShell shared ? shared.session() : shell);
    }

    private static FakeRouter routerOf(RemoteShell shell) {
        FakeShell s = fake(shell);
        if (!s.isOpen() || s.dead) {
            throw new HostUnreachableException("session to " + s.address() + " lost");
        }
        return (FakeRouter) s.host;
    }

    private FakeRelay relayOf(RemoteShell shell) {
        FakeShell s = fake(shell);
        if (!s.isOpen() || s.dead) {
            throw new HostUnreachableException("session to " + s.address() + " lost");
        }
        return (FakeRelay) s.host;
    }

    private ProbeResult probe(RemoteShell relayShell, int port, Duration timeout) {
        relayOf(relayShell);
        probes.incrementAndGet();
        if (failAt == Step.PROBE) {
            return new ProbeResult.Unreached("connection closed before the banner");
        }
        synchronized (this) {
            Object holder = relay.listeners.get(port);
            if (holder == null) {
                return new ProbeResult.Unreached("connection refused");
            }
            if (holder == FOREIGN) {
                return new ProbeResult.Unreached("no SSH banner: HTTP/1.1 400");
            }
            if (holder == GHOST) {
                return new ProbeResult.Unreached("connection closed before the banner");
            }
            for (FakeRouter r : routers.values()) {
                Sup s = r.sups.get((CleanupToken) holder);
                if (s != null && s.alive && r.reachable) {
                    return new ProbeResult.Reached("SSH-2.0-dropbear_2022.83", rtt);
                }
            }
            return new ProbeResult.Unreached("connection closed before the banner");
        }
    }

    private ProbeResult verify(RemoteShell relayShell, int port, HostKeyFingerprint pinned, Duration timeout) {
        identityChecks.incrementAndGet();
        ProbeResult seen = probe(relayShell, port, timeout);
        if (seen instanceof ProbeResult.Unreached) {
            return seen;
        }
        synchronized (this) {
            Object holder = relay.listeners.get(port);
            for (FakeRouter r : routers.values()) {
                if (r.sups.containsKey((CleanupToken) holder)) {
                    HostKeyFingerprint actual = HostKeyFingerprint.ofPublicKey(r.hostKey());
                    return actual.equals(pinned) ? seen : new ProbeResult.Unreached("relay port " + port
                            + " answers with another router's host key " + actual + ", expected " + pinned);
                }
            }
            return new ProbeResult.Unreached("nobody holds relay port " + port);
        }
    }

    private final class Launcher implements TunnelLauncher {
        @Override
        public String ensureRouterKey(RemoteShell router) {
            FakeRouter r = routerOf(router);
            fail(Step.ENSURE_KEY);
            return r.routerKey();
        }

        @Override
        public int launch(RemoteShell router, LaunchPlan plan) {
            FakeRouter r = routerOf(router);
            r.launchNanos.add(System.nanoTime());
            fail(Step.LAUNCH);
            if (r.failLaunches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new RemoteCommandException("launch failed: sh: can't create /tmp/netpilot: Read-only file system (test)");
            }
            synchronized (FakeWorld.this) {
                r.launched.add(plan.token());
                Sup s = new Sup(plan.token(), pids.getAndAdd(2), plan, clock.instant().plus(plan.leaseTtl()));
                r.sups.put(plan.token(), s);
                r.files.add(plan.token());
                r.plans.put(plan.token(), plan);
                int port = plan.forward().remotePort();
                if (!r.routerKey().equals(relay.authorized.get(plan.token()))) {
                    s.log = "Permission denied (publickey).";
                } else if (relay.listeners.containsKey(port)) {
                    s.log = r.dbclient ? "Remote TCP forward request failed (port " + port + " -> 127.0.0.1:22)"
                            : "Error: remote port forwarding failed for listen port " + port;
                } else {
                    relay.listeners.put(port, plan.token());
                }
                return s.pid;
            }
        }

        @Override
        public void renewLease(RemoteShell router, CleanupToken token, Duration ttl) {
            FakeRouter r = routerOf(router);
            synchronized (FakeWorld.this) {
                Sup s = r.sups.get(token);
                if (s != null) {
                    s.leaseExpiry = clock.instant().plus(ttl);
                }
                r.renewals.incrementAndGet();
            }
        }

        @Override
        public RouterTunnelStatus inspect(RemoteShell router, CleanupToken token) {
            FakeRouter r = routerOf(router);
            synchronized (FakeWorld.this) {
                Sup s = r.sups.get(token);
                if (s == null) {
                    return new RouterTunnelStatus(token, OptionalInt.empty(), Duration.ZERO, "");
                }
                return new RouterTunnelStatus(token, s.alive ? OptionalInt.of(s.pid) : OptionalInt.empty(),
                        Duration.between(clock.instant(), s.leaseExpiry), s.log);
            }
        }

        @Override
        public void requestStop(RemoteShell router, CleanupToken token) {
            routerOf(router); // the stop file is written; these supervisors are too slow to notice it
        }

        @Override
        public void removeFiles(RemoteShell router, CleanupToken token) {
            FakeRouter r = routerOf(router);
            synchronized (FakeWorld.this) {
                r.files.remove(token);
                r.sups.remove(token);
                r.plans.remove(token);
            }
        }

        @Override
        public List<CleanupToken> tokens(RemoteShell router) {
            FakeRouter r = routerOf(router);
            synchronized (FakeWorld.this) {
                return List.copyOf(r.files);
            }
        }

        @Override
        public Optional<DiscoveredTunnel> describe(RemoteShell router, CleanupToken token) {
            FakeRouter r = routerOf(router);
            synchronized (FakeWorld.this) {
                return Optional.ofNullable(r.plans.get(token))
                        .map(p -> new DiscoveredTunnel(p.token(), p.forward(), p.relay(), p.leaseTtl()));
            }
        }
    }

    private final class Processes implements RemoteProcessController {
        @Override
        public List<RemoteProcess> processes(RemoteShell shell) {
            FakeRouter r = routerOf(shell);
            synchronized (FakeWorld.this) {
                List<RemoteProcess> all = new ArrayList<>();
                for (Sup s : r.sups.values()) {
                    if (s.alive) {
                        all.add(new RemoteProcess(s.pid, 1, "root", "/bin/sh /tmp/netpilot/np-supervisor-1.sh " + s.token));
                        all.add(new RemoteProcess(s.pid + 1, s.pid, "root",
                                "ssh -T -R " + s.plan.forward().reverseSpec() + " " + s.plan.relay()));
                    }
                }
                all.addAll(r.legacy);
                return all;
            }
        }

        @Override
        public List<RemoteProcess> findByToken(RemoteShell shell, CleanupToken token) {
            List<RemoteProcess> all = processes(shell);
            Set<Integer> roots = new LinkedHashSet<>();
            all.stream().filter(p -> p.commandLine().contains(token.value())).forEach(p -> roots.add(p.pid()));
            return all.stream().filter(p -> roots.contains(p.pid()) || roots.contains(p.ppid())).toList();
        }

        @Override
        public List<RemoteProcess> findByForwardPort(RemoteShell shell, int port) {
            return processes(shell).stream()
                    .filter(p -> p.commandLine().matches(".*-R\\s*(\\S*:)?" + port + ":.*"))
                    .toList();
        }

        @Override
        public StopResult stopTrees(RemoteShell shell, Collection<RemoteProcess> roots, StopPolicy policy) {
            FakeRouter r = routerOf(shell);
            synchronized (FakeWorld.this) {
                Set<Integer> pidsToStop = new LinkedHashSet<>();
                roots.forEach(p -> pidsToStop.add(p.pid()));
                for (Sup s : r.sups.values()) {
                    if (pidsToStop.contains(s.pid) || pidsToStop.contains(s.pid + 1)) {
                        s.alive = false;
                        relay.listeners.remove(s.token.port(), s.token);
                    }
                }
                r.legacy.removeIf(p -> pidsToStop.contains(p.pid()));
                return new StopResult(List.copyOf(roots), List.of());
            }
        }
    }

    private final class Gateway implements RelayGateway {
        @Override
        public void authorize(RemoteShell shell, String routerPublicKey, CleanupToken token) {
            FakeRelay r = relayOf(shell);
            fail(Step.AUTHORIZE);
            synchronized (FakeWorld.this) {
                r.authorized.put(token, routerPublicKey);
            }
        }

        @Override
        public void revoke(RemoteShell shell, CleanupToken token) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                r.authorized.remove(token);
            }
        }

        @Override
        public List<CleanupToken> liveSessions(RemoteShell shell) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                return r.listeners.values().stream().filter(CleanupToken.class::isInstance).map(CleanupToken.class::cast).toList();
            }
        }

        @Override
        public boolean endSession(RemoteShell shell, CleanupToken token) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                if (r.listeners.get(token.port()) == GHOST) {
                    r.listeners.put(token.port(), token); // gone by itself, and the supervisor's new client is in
                    return false;
                }
                boolean ended = r.listeners.remove(token.port(), token);
                if (ended) {
                    r.endedSessions.incrementAndGet();
                }
                return ended;
            }
        }

        @Override
        public boolean isListening(RemoteShell shell, int port) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                return r.listeners.containsKey(port);
            }
        }

        @Override
        public void authorize(RemoteShell shell, String routerPublicKey, CleanupToken token, AgentId agent) {
            authorize(shell, routerPublicKey, token);
            synchronized (FakeWorld.this) {
                relay.tags.put(token, agent);
            }
        }

        @Override
        public RevocationResult revokeTunnel(RemoteShell shell, CleanupToken token) {
            FakeRelay r = relayOf(shell);
            String failure = r.revokeFailure;
            if (failure != null) {
                return new RevocationResult.Failed(token, failure);
            }
            synchronized (FakeWorld.this) {
                r.authorized.remove(token);
                r.tags.remove(token);
                r.listeners.remove(token.port(), token);
                return new RevocationResult.Revoked(token, r.listeners.containsKey(token.port()));
            }
        }

        @Override
        public SweepReport sweep(RemoteShell shell, AgentId agent, Set<CleanupToken> wanted) {
            FakeRelay r = relayOf(shell);
            r.sweeps.incrementAndGet();
            synchronized (FakeWorld.this) {
                List<CleanupToken> lines = r.tags.entrySet().stream()
                        .filter(e -> e.getValue().equals(agent) && !wanted.contains(e.getKey())).map(Map.Entry::getKey).toList();
                lines.forEach(t -> {
                    r.tags.remove(t);
                    r.authorized.remove(t);
                    r.listeners.remove(t.port(), t);
                });
                Set<Integer> wantedPorts = new LinkedHashSet<>();
                wanted.forEach(t -> wantedPorts.add(t.port()));
                List<Integer> ports = r.owners.entrySet().stream()
                        .filter(e -> e.getValue().agent().equals(agent) && !wantedPorts.contains(e.getKey())).map(Map.Entry::getKey).toList();
                ports.forEach(p -> {
                    r.owners.remove(p);
                    r.leases.remove(p);
                });
                return new SweepReport(lines, lines, ports);
            }
        }
    }

    private final class Allocator implements PortAllocator {
        @Override
        public PortLease allocate(RemoteShell shell, RouterId router, PortRange range, OptionalInt requested, Set<Integer> exclude) {
            // an older agent's lease: its router id only, never a lease that records an owner
            return lease(shell, router, Optional.empty(), range, requested, exclude,
                    p -> router.equals(relay.leases.get(p)) && !relay.owners.containsKey(p));
        }

        @Override
        public PortLease allocate(RemoteShell shell, LeaseOwner owner, PortRange range, OptionalInt requested, Set<Integer> exclude) {
            return lease(shell, owner.router(), Optional.of(owner), range, requested, exclude, p -> owner.equals(relay.owners.get(p)));
        }

        /** Leases {@code requested} (if not another's), else the one {@code mine} names, else the first free one of {@code range}. */
        private PortLease lease(RemoteShell shell, RouterId router, Optional<LeaseOwner> owner, PortRange range, OptionalInt requested,
                Set<Integer> exclude, java.util.function.IntPredicate mine) {
            FakeRelay r = relayOf(shell);
            fail(Step.ALLOCATE);
            synchronized (FakeWorld.this) {
                int port;
                if (requested.isPresent()) {
                    port = requested.getAsInt();
                    if ((r.leases.containsKey(port) && !mine.test(port)) || r.listeners.containsKey(port)) {
                        throw new PortUnavailableException("relay port " + port + " is taken");
                    }
                } else {
                    port = r.leases.keySet().stream().filter(p -> mine.test(p) && !exclude.contains(p) && !r.listeners.containsKey(p))
                            .findFirst()
                            .orElseGet(() -> range.ports()
                                    .filter(p -> !r.leases.containsKey(p) && !exclude.contains(p) && !r.listeners.containsKey(p))
                                    .boxed().findFirst()
                                    .orElseThrow(() -> new PortUnavailableException("no free port in " + range)));
                }
                r.leases.put(port, router);
                owner.ifPresent(o -> r.owners.put(port, o));
                if (r.takenRightAfterLease.remove(port)) {
                    r.listeners.put(port, FOREIGN);
                }
                return new PortLease(r.address.hostAndPort(), port, router, clock.instant());
            }
        }

        @Override
        public void release(RemoteShell shell, RouterId router, int port) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                if (!r.owners.containsKey(port)) {
                    r.leases.remove(port, router);
                }
            }
        }

        @Override
        public void release(RemoteShell shell, LeaseOwner owner, int port) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                if (r.owners.remove(port, owner)) {
                    r.leases.remove(port);
                }
            }
        }

        @Override
        public List<PortLease> leases(RemoteShell shell) {
            FakeRelay r = relayOf(shell);
            synchronized (FakeWorld.this) {
                return r.leases.entrySet().stream()
                        .map(e -> new PortLease(r.address.hostAndPort(), e.getKey(), e.getValue(), clock.instant()))
                        .toList();
            }
        }
    }
}
