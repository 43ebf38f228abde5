package io.netpilot.core;

import io.netpilot.core.spi.StateService;
import io.netpilot.core.spi.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door: a NetPilot agent running in this process over one NetPilot home, the one way the
 * CLI, the desktop, the benchmarks, the tests and embedding applications get a tunnel manager.
 *
 * <pre>{@code
 * try (NetPilot netpilot = NetPilot.builder().home(dir).start()) {
 *     TunnelSnapshot up = netpilot.connect(ConnectRequest.of("root@192.168.1.1", "tunnel@relay.example.com"));
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link NetPilotBuilder#start()} gives the whole agent: it takes the home's lock, opens its state and an
 * SSH transport, restores the wanted tunnels (and, when {@code tunnel-state.json} was unreadable,
 * rediscovers them on the known routers), supervises them, watches this machine's network and serves
 * the home's control channel so other processes can {@linkplain NetPilotBuilder#attach() attach}.
 * {@link NetPilotBuilder#open()} gives only the manager over the home, for one-shot commands. Transport and
 * state are found as services ({@link io.netpilot.core.spi.TransportService},
 * {@link io.netpilot.core.spi.StateService}) that {@code netpilot-ssh} and {@code netpilot-state}
 * provide, or given to the builder.
 *
 * <p>Thread-safe.
 */
public final class NetPilot implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(NetPilot.class);

    private final NetPilotConfig config;
    private final StateService.Held lock;
    private final StateStore store;
    private final Transport transport;
    private final TunnelManager manager;
    private final boolean agent;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean cleanupStarted = new AtomicBoolean();
    private final CountDownLatch cleanupDone = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CleanupReport exitReport = new CleanupReport(List.of());
    private volatile StateService.Held server;
    private volatile NetworkWatcher network;
    private volatile Thread hook;

    NetPilot(NetPilotConfig config, StateService.Held lock, StateStore store, Transport transport,
            TunnelManager manager, boolean agent) {
        this.config = config;
        this.lock = lock;
        this.store = store;
        this.transport = transport;
        this.manager = manager;
        this.agent = agent;
    }

    /**
     * A builder with working defaults: the home from {@code NETPILOT_HOME} or {@code ~/.netpilot},
     * {@link ManagerSettings#DEFAULTS}, the system UTC clock, {@link RouterClient#AUTO}, and the
     * transport and state services found on the module path or class path.
     *
     * @return a new builder
     */
    public static NetPilotBuilder builder() {
        return new NetPilotBuilder();
    }

    /** Serves the control channel, watches the network, hooks signals and restores (per the config). */
    void startAgent() {
        if (config.controlChannel()) {
            server = config.state().serve(config.home(), this, this::requestStop);
        }
        if (config.networkWatch().isPresent()) {
            // A change of this machine's network (Wi-Fi to cable, VPN, wake-up) probes every tunnel at once.
            network = NetworkWatcher.start(config.networkWatch().get(), manager::networkChanged);
        }
        if (config.shutdownHook()) {
            Thread h = new Thread(this::shutdownFromSignal, "netpilot-shutdown");
            Runtime.getRuntime().addShutdownHook(h);
            hook = h;
        }
        config.onRestored().ifPresent(report -> Thread.ofVirtual().name("netpilot-restore").start(() -> {
            try {
                report.accept(restore());
            } catch (RuntimeException e) {
                LOG.warn("restoring the wanted tunnels failed: {}", e.toString(), e);
            }
        }));
    }

    /**
     * The home this agent owns.
     *
     * @return the home directory
     */
    public Path home() {
        return config.home();
    }

    /**
     * The tunnel manager, for what {@link Agent} does not offer (restore, cleanup, force cleanup,
     * rediscovery, one tunnel by id). Closed by {@link #close()}; do not close it yourself.
     *
     * @return the manager
     */
    public TunnelManager manager() {
        return manager;
    }

    /**
     * The state files that were unreadable when this agent opened the home, and where they were set aside.
     *
     * @return one problem per file; empty when all was well
     */
    public List<StateProblem> problems() {
        return store.problems();
    }

    /**
     * The agent's public key in {@code authorized_keys} form (made now when the home has none): what a
     * relay and a router must accept for {@link Credentials#AGENT_KEY} logins.
     *
     * @return {@code TYPE BASE64 COMMENT}
     * @throws NetPilotException when the key cannot be read or made
     */
    public String agentPublicKey() {
        return transport.agentPublicKey();
    }

    /**
     * This agent's name on shared relays: the key lines, session markers and port leases it makes there
     * carry it. Derived from the agent's key, so every run over this home has the same.
     *
     * @return the id
     * @throws NetPilotException when the key cannot be read or made
     */
    public AgentId agentId() {
        return agentIdOf(transport);
    }

    /** The id of the agent whose key {@code transport} logs in with: its fingerprint, hashed. */
    static AgentId agentIdOf(Transport transport) {
        return AgentId.of(HostKeyFingerprint.ofPublicKey(transport.agentPublicKey()).value());
    }

    /**
     * Logs in to a router with a password once and installs the agent's key there, so that later logins
     * and restores need no password.
     *
     * @param router the router
     * @param password used for this login only; the caller clears it
     * @param policy whether an unknown host key may be pinned now
     * @throws NetPilotException (or a subclass naming the step) when the login or the install failed
     */
    public void installAgentKey(SshAddress router, Credentials.Password password, HostKeyPolicy policy) {
        transport.installAgentKey(router, password, policy);
    }

    /**
     * Restores every wanted tunnel now (adopting healthy ones); when {@code tunnel-state.json} was
     * unreadable and set aside, also asks every router of {@code router-connections.json} for the tunnels
     * it still runs and takes them back (see {@link TunnelManager#rediscover}, logging in with the key file the router's last tunnel used).
     * {@link NetPilotBuilder#start()} already does this in the background.
     *
     * @return what came back
     */
    public RestoreReport restore() {
        List<TunnelSnapshot> restored = manager.restore();
        List<RestoreReport.Rediscovery> rediscoveries = new ArrayList<>();
        if (tunnelStateSetAside()) {
            for (RouterConnection c : store.routerConnections()) {
                try {
                    RediscoveryReport report = manager.rediscover(RouterEndpoint.of(c.address()), c.keys().routerCredentials());
                    rediscoveries.add(new RestoreReport.Rediscovery(c.address(), Optional.of(report), Optional.empty()));
                } catch (NetPilotException e) {
                    rediscoveries.add(new RestoreReport.Rediscovery(c.address(), Optional.empty(), Optional.of(e.getMessage())));
                }
            }
        }
        return new RestoreReport(restored, store.problems(), rediscoveries);
    }

    /** Whether the store found tunnel-state.json unreadable at start and moved it aside. */
    private boolean tunnelStateSetAside() {
        return store.problems().stream().anyMatch(p -> p.file() == StateFile.TUNNELS);
    }

    @Override
    public TunnelSnapshot connect(ConnectRequest request) {
        return manager.connect(request);
    }

    @Override
    public CleanupReport disconnect(TunnelId id) {
        return manager.disconnect(id);
    }

    @Override
    public void retry(TunnelId id) {
        manager.retry(id);
    }

    @Override
    public List<TunnelSnapshot> tunnels() {
        return manager.tunnels();
    }

    @Override
    public Subscription subscribe(TunnelEventListener listener) {
        return manager.subscribe(listener);
    }

    /** {@return false: this agent runs in this process} */
    @Override
    public boolean attached() {
        return false;
    }

    /** Makes {@link #awaitStop()} return: what a control-channel {@code stop}, SIGINT or SIGTERM does. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Blocks until {@link #requestStop()} (a client's stop request, or a signal when the builder's
     * {@link NetPilotBuilder#shutdownHook(boolean) shutdown hook} is on). Returns early, with the interrupt flag
     * set, when the thread is interrupted.
     */
    public void awaitStop() {
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The agent's exit cleanup: stops accepting control requests, then stops every wanted tunnel's
     * router processes from the persisted state, in parallel, within the builder's
     * {@link NetPilotBuilder#exitCleanupBound exit cleanup bound}. The tunnels stay wanted, so the next start
     * restores them. Runs once: a second caller waits for the first and gets the same report.
     *
     * @return what was stopped; what could not be reached is left to its lease
     */
    public CleanupReport stopTunnels() {
        if (!cleanupStarted.compareAndSet(false, true)) {
            try {
                cleanupDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return exitReport;
        }
        try {
            closeServer();
            exitReport = manager.cleanup(config.exitCleanupBound());
            config.onExitCleanup().accept(exitReport);
            return exitReport;
        } finally {
            cleanupDone.countDown();
        }
    }

    /** Closes without the exit cleanup: for a start that failed half-way. */
    void abandon() {
        if (cleanupStarted.compareAndSet(false, true)) {
            cleanupDone.countDown();
        }
        close();
    }

    private void shutdownFromSignal() {
        requestStop();
        stopTunnels();
        close();
    }

    private void closeServer() {
        StateService.Held s = server;
        if (s != null) {
            s.close();
        }
    }

    /**
     * Shuts the agent down, in this order:
     * <ol>
     *   <li>stop serving the control channel (no new requests; attached clients are disconnected);
     *   <li>stop watching the network;
     *   <li>for an agent made by {@link NetPilotBuilder#start()}: the exit cleanup ({@link #stopTunnels()}, once,
     *       bounded) — the tunnels stay wanted; an agent made by {@link NetPilotBuilder#open()} leaves router
     *       processes as they are;
     *   <li>close the manager (supervision ends, sessions close);
     *   <li>close the SSH transport;
     *   <li>release the home's lock.
     * </ol>
     * Idempotent; never throws (a failing step is logged and the next one still runs).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeServer();
        NetworkWatcher n = network;
        if (n != null) {
            n.close();
        }
        try {
            if (agent) {
                stopTunnels();
            }
        } catch (RuntimeException e) {
            LOG.warn("exit cleanup failed: {}", e.toString(), e);
        }
        try {
            manager.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the tunnel manager: {}", e.toString(), e);
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the SSH transport: {}", e.toString(), e);
        }
        lock.close();
        removeHook();
    }

    private void removeHook() {
        Thread h = hook;
        if (h != null && Thread.currentThread() != h) {
            try {
                Runtime.getRuntime().removeShutdownHook(h);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run; it found the work done
            }
        }
    }

    @Override
    public String toString() {
        return "NetPilot[home=" + config.home() + ", " + (agent ? "agent" : "one-shot") + ", tunnels=" + manager.tunnels().size() + "]";
    }

}
