package io.netpilot.core.internal;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RediscoveryReport;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.StateStore;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEventListener;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The tunnel manager over core's SPIs. It wires its parts and hands each call to the one that does
 * it: {@link TunnelRegistry} (who holds which tunnel), {@link BringUp} with {@link TunnelStarter}
 * (connect, with undo and port fallback), {@link Supervisor} with {@link HealthCheck} (when to look
 * at a tunnel, and one look and repair), {@link Restorer} (adopt or relaunch at start),
 * {@link Rediscovery}, {@link Cleaner} with {@link Teardown} (disconnect, exit cleanup, force
 * cleanup), and {@link Recorder} (persist, then emit). Thread-safe: each tunnel has its own lock;
 * operations on different tunnels run in parallel.
 */
final class SupervisingTunnelManager implements TunnelManager {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisingTunnelManager.class);

    private final StateStore store;
    private final EventDispatcher events = new EventDispatcher();
    private final TunnelRegistry registry = new TunnelRegistry();
    private final Recorder recorder;
    private final BringUp bringUp;
    private final Supervisor supervisor;
    private final Restorer restorer;
    private final Rediscovery rediscovery;
    private final Cleaner cleaner;
    private final RelayRevocations relayTidy;
    private final Duration relayTidyInterval;
    private final Breakers breakers;
    /** The relay sessions the tunnels share: one per relay login. */
    private final RelaySessions relays;

    SupervisingTunnelManager(ShellConnector connector, TunnelLauncher launcher, RelayGateway gateway,
            PortAllocator allocator, EndToEndProbe probe, RemoteProcessController processes, StateStore store,
            Clock clock, ManagerSettings settings, RandomGenerator random, Managers.RelaySafety relaySafety) {
        this.store = store;
        this.breakers = new Breakers(settings);
        this.recorder = new Recorder(store, events, clock);
        this.relayTidyInterval = relaySafety.retryInterval();
        RouterIdentity identity = new RouterIdentity(relaySafety.agent(), relaySafety.identityProbe(), probe, allocator,
                settings.probeTimeout(), relaySafety.identityInterval(), recorder);
        Tokens tokens = new Tokens(random);
        this.relays = new RelaySessions(connector);
        this.relayTidy = new RelayRevocations(connector, gateway, identity, store, recorder, () -> liveTokens(tokens));
        Teardown teardown = new Teardown(connector, relays, launcher, gateway, identity, processes, store, settings.stopPolicy(), relayTidy);
        TunnelStarter starter = new TunnelStarter(launcher, gateway, identity, probe, store, settings, teardown, tokens);
        this.bringUp = new BringUp(connector, relays, launcher, starter, teardown, registry, recorder);
        HealthCheck health = new HealthCheck(connector, relays, launcher, gateway, identity, bringUp, recorder, store,
                new Heartbeats(store, settings.heartbeatPersistInterval(), recorder.now()), settings);
        this.supervisor = new Supervisor(health, recorder, registry, settings, breakers);
        this.restorer = new Restorer(connector, relays, launcher, identity, bringUp, supervisor, registry, recorder, store, settings);
        this.rediscovery = new Rediscovery(connector, launcher, teardown, restorer, supervisor, registry, recorder, store);
        this.cleaner = new Cleaner(connector, launcher, processes, teardown, registry, recorder, store, settings.stopPolicy());
    }

    @Override
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    public TunnelSnapshot connect(ConnectRequest request) {
        ensureOpen();
        TunnelId id = request.spec().id();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", id.value())) {
            return switch (registry.claim(id, existing -> !existing.ended(), () -> requested(request))) {
                case TunnelRegistry.Claim.Kept kept -> {
                    LOG.info("tunnel {} is already wanted ({}); not connecting again", id, kept.existing().state().name());
                    yield kept.existing().snapshot();
                }
                case TunnelRegistry.Claim.Claimed claimed -> {
                    Tunnel t = claimed.tunnel();
                    try {
                        TunnelSnapshot result;
                        if (t.record().token().isPresent()) {
                            LOG.info("tunnel {} is wanted from an earlier run; restoring it instead of launching anew", id);
                            restorer.adoptOrRelaunch(t);
                            result = t.snapshot();
                        } else {
                            result = bringUp.first(t);
                        }
                        supervisor.start(t);
                        yield result;
                    } finally {
                        t.unlock();
                    }
                }
            };
        }
    }

    /** The tokens of tunnels in memory and of every launch of this run: wanted even before they are stored. */
    private Set<CleanupToken> liveTokens(Tokens tokens) {
        Set<CleanupToken> live = new HashSet<>(tokens.issued());
        registry.all().forEach(t -> t.record().token().ifPresent(live::add));
        return live;
    }

    /**
     * The tunnel {@code request} asks for; when the store still has it launched, with that port and token
     * (and the router host key it was launched with, unless the request names one).
     */
    private Tunnel requested(ConnectRequest request) {
        TunnelSpec asked = request.spec();
        TunnelRecord initial = store.tunnel(asked.id()).filter(r -> r.token().isPresent())
                .map(r -> new TunnelRecord(asked.router().pinnedHostKey().isPresent() ? asked
                        : new TunnelSpec(asked.id(), r.spec().router(), asked.relay(), asked.targetPort(), asked.portRange(),
                                asked.requestedPort(), asked.leaseTtl(), asked.keys()),
                        r.port(), r.token(), r.state(), r.established(), r.lastHeartbeat()))
                .orElseGet(() -> TunnelRecord.requested(asked));
        return Tunnel.requested(request, initial, recorder.now());
    }

    @Override
    public CleanupReport disconnect(TunnelId id) {
        ensureOpen();
        return cleaner.disconnect(id);
    }

    /** Stops every tunnel's router side within {@code bound}, then retries pending revocations and sweeps the relays. */
    @Override
    public CleanupReport cleanup(Duration bound) {
        CleanupReport report = cleaner.cleanup(bound);
        tidyRelays();
        return report;
    }

    @Override
    public CleanupReport forceCleanup(RouterEndpoint router, Credentials credentials, OptionalInt port) {
        ensureOpen();
        return cleaner.forceCleanup(router, credentials, port);
    }

    @Override
    public List<TunnelSnapshot> restore() {
        ensureOpen();
        restorer.restoreAll();
        tidyRelays();
        relayTidy.start(relayTidyInterval);
        return tunnels();
    }

    /** Retries pending revocations and sweeps every relay in use; a failure is logged, the next tidy retries. */
    private void tidyRelays() {
        try {
            List<PendingRevocation> left = relayTidy.tidy();
            if (!left.isEmpty()) {
                LOG.warn("{} relay revocation(s) still pending: {}", left.size(), left);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not tidy the relays: {}", e.getMessage(), e);
        }
    }

    @Override
    public RediscoveryReport rediscover(RouterEndpoint router, Credentials credentials) {
        ensureOpen();
        return rediscovery.rediscover(router, credentials);
    }

    @Override
    public void networkChanged() {
        LOG.info("network changed; probing every tunnel now");
        breakers.halfOpenAll();
        registry.wakeAll();
    }

    @Override
    public void retry(TunnelId id) {
        ensureOpen();
        Tunnel t = registry.get(id).filter(x -> x.supervision().running())
                .orElseThrow(() -> new TunnelNotFoundException("no supervised tunnel " + id + "; `netpilot status` lists them"));
        LOG.info("retry of {} asked for", id);
        t.supervision().retryNow();
    }

    @Override
    public List<TunnelSnapshot> tunnels() {
        Map<TunnelId, TunnelSnapshot> out = new LinkedHashMap<>();
        for (TunnelRecord rec : store.tunnels()) {
            out.put(rec.id(), registry.get(rec.id()).map(Tunnel::snapshot).orElseGet(() -> snapshotOf(rec)));
        }
        for (Tunnel t : registry.all()) {
            out.putIfAbsent(t.id(), t.snapshot());
        }
        return List.copyOf(out.values());
    }

    @Override
    public Optional<TunnelSnapshot> tunnel(TunnelId id) {
        return registry.get(id).map(Tunnel::snapshot).or(() -> store.tunnel(id).map(this::snapshotOf));
    }

    private TunnelSnapshot snapshotOf(TunnelRecord rec) {
        Instant since = rec.lastHeartbeat().or(rec::established).orElseGet(recorder::now);
        return new TunnelSnapshot(rec.id(), rec.spec().router().address(), rec.spec().relay().address(), rec.state(),
                rec.port(), since, rec.established(), rec.lastHeartbeat(), Optional.empty());
    }

    @Override
    public Subscription subscribe(TunnelEventListener listener) {
        return events.subscribe(listener);
    }

    @Override
    public void close() {
        if (registry.isClosed()) {
            return;
        }
        relayTidy.close();
        List<Tunnel> all = registry.close();
        all.forEach(t -> t.supervision().stop());
        for (Tunnel t : all) {
            t.lock();
            try {
                t.closeSessions();
            } finally {
                t.unlock();
            }
        }
        relays.close();
        events.close();
        LOG.info("tunnel manager closed; {} tunnel(s) left running on their routers under their leases", all.size());
    }

    private void ensureOpen() {
        if (registry.isClosed()) {
            throw new IllegalStateException("this tunnel manager is closed; start a new agent to manage tunnels");
        }
    }
}
