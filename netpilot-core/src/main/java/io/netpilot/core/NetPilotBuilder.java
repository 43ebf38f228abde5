package io.netpilot.core;

import io.netpilot.core.spi.StateService;
import io.netpilot.core.spi.Transport;
import io.netpilot.core.spi.TransportService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link NetPilot} (made by {@link NetPilot#builder()}). Every option has a working default;
 * set only what you need. Not thread-safe: build on one thread, then share the agent.
 */
public final class NetPilotBuilder {
    /** The environment variable naming the home when {@link #home(Path)} is not called. */
    public static final String HOME_ENV = "NETPILOT_HOME";
    /** How long the exit cleanup may take by default; what is left is left to the leases. */
    public static final Duration DEFAULT_EXIT_CLEANUP_BOUND = Duration.ofSeconds(20);
    /** How often this machine's network is compared with the last look by default. */
    public static final Duration DEFAULT_NETWORK_WATCH = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(NetPilot.class);

    private Path home;
    private ManagerSettings settings = ManagerSettings.DEFAULTS;
    private Clock clock = Clock.systemUTC();
    private RouterClient routerClient = RouterClient.AUTO;
    private TransportService transport;
    private StateService state;
    private Duration exitCleanupBound = DEFAULT_EXIT_CLEANUP_BOUND;
    private Optional<Duration> networkWatch = Optional.of(DEFAULT_NETWORK_WATCH);
    private Duration identityCheckInterval = TunnelManagers.DEFAULT_IDENTITY_CHECK_INTERVAL;
    private boolean controlChannel = true;
    private boolean shutdownHook;
    private Optional<Consumer<RestoreReport>> onRestored = Optional.of(NetPilotBuilder::logRestored);
    private Consumer<CleanupReport> onExitCleanup = r -> LOG.info("exit cleanup: {} router entr(y/ies), complete: {}", r.entries().size(), r.complete());

    NetPilotBuilder() {}

    /**
     * The NetPilot home (state files, keys, lock, control socket, logs); created {@code 0700} when
     * missing. Default: {@value #HOME_ENV} when set, else {@code ~/.netpilot}.
     *
     * @param dir the home directory
     * @return this builder
     */
    public NetPilotBuilder home(Path dir) {
        this.home = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        return this;
    }

    /**
     * How the manager paces probes, repairs and cleanup. Default {@link ManagerSettings#DEFAULTS}.
     *
     * @param value the settings
     * @return this builder
     */
    public NetPilotBuilder settings(ManagerSettings value) {
        this.settings = Objects.requireNonNull(value, "settings");
        return this;
    }

    /**
     * The clock for timestamps and lease renewals. Default: the system UTC clock.
     *
     * @param value the clock
     * @return this builder
     */
    public NetPilotBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /**
     * The SSH client routers run for the tunnel. Default {@link RouterClient#AUTO}.
     *
     * @param value the client
     * @return this builder
     */
    public NetPilotBuilder routerClient(RouterClient value) {
        this.routerClient = Objects.requireNonNull(value, "routerClient");
        return this;
    }

    /**
     * A transport of your own (tests, custom transports). Default: the {@link TransportService} found by
     * {@link ServiceLoader} ({@code netpilot-ssh} provides one).
     *
     * @param value the service
     * @return this builder
     */
    public NetPilotBuilder transport(TransportService value) {
        this.transport = Objects.requireNonNull(value, "transport");
        return this;
    }

    /**
     * A state service of your own. Default: the {@link StateService} found by {@link ServiceLoader}
     * ({@code netpilot-state} provides one).
     *
     * @param value the service
     * @return this builder
     */
    public NetPilotBuilder state(StateService value) {
        this.state = Objects.requireNonNull(value, "state");
        return this;
    }

    /**
     * How long the exit cleanup ({@link NetPilot#stopTunnels()}) may take. Default 20 s.
     *
     * @param value a positive duration
     * @return this builder
     * @throws InvalidInputException when it is not positive
     */
    public NetPilotBuilder exitCleanupBound(Duration value) {
        this.exitCleanupBound = Checks.positive("exit cleanup bound", value);
        return this;
    }

    /**
     * How often a running tunnel's identity is checked: a key exchange through the tunnel proving that
     * its relay port still reaches the router's pinned host key (the checks in between are the cheap
     * liveness probe). Default 5 min ({@link TunnelManagers#DEFAULT_IDENTITY_CHECK_INTERVAL}).
     *
     * @param value a positive duration
     * @return this builder
     * @throws InvalidInputException when it is not positive
     */
    public NetPilotBuilder identityCheckInterval(Duration value) {
        this.identityCheckInterval = Checks.positive("identity check interval", value);
        return this;
    }

    /**
     * Whether {@link #start()} watches this machine's network and probes every tunnel at once when it
     * changes. Default on, every 2 s.
     *
     * @param on whether to watch
     * @return this builder
     */
    public NetPilotBuilder networkWatch(boolean on) {
        this.networkWatch = on ? Optional.of(DEFAULT_NETWORK_WATCH) : Optional.empty();
        return this;
    }

    /**
     * Whether {@link #start()} serves the home's control channel ({@code agent.sock}) so that the CLI
     * and the desktop can attach. Default on.
     *
     * @param on whether to serve
     * @return this builder
     */
    public NetPilotBuilder controlChannel(boolean on) {
        this.controlChannel = on;
        return this;
    }

    /**
     * Whether {@link #start()} installs a JVM shutdown hook, so that SIGINT and SIGTERM run the exit
     * cleanup and close the agent. Default off (an embedding application owns its own exit).
     *
     * @param on whether to hook
     * @return this builder
     */
    public NetPilotBuilder shutdownHook(boolean on) {
        this.shutdownHook = on;
        return this;
    }

    /**
     * What {@link #start()} does with its background restore's report. Default: logs it.
     *
     * @param consumer called once, on a virtual thread, when the restore is done
     * @return this builder
     */
    public NetPilotBuilder onRestored(Consumer<RestoreReport> consumer) {
        this.onRestored = Optional.of(Objects.requireNonNull(consumer, "consumer"));
        return this;
    }

    /**
     * Makes {@link #start()} restore nothing by itself (call {@link NetPilot#restore()} when you want).
     *
     * @return this builder
     */
    public NetPilotBuilder noRestoreAtStart() {
        this.onRestored = Optional.empty();
        return this;
    }

    /**
     * What the exit cleanup does with its report (besides returning it). Default: logs it.
     *
     * @param consumer called once, by the thread that ran the cleanup
     * @return this builder
     */
    public NetPilotBuilder onExitCleanup(Consumer<CleanupReport> consumer) {
        this.onExitCleanup = Objects.requireNonNull(consumer, "consumer");
        return this;
    }

    /**
     * The whole agent: takes the home's lock, opens its state and the transport, restores the wanted
     * tunnels in the background, supervises them, watches the network and serves the control channel.
     * {@link NetPilot#close()} runs the exit cleanup.
     *
     * @return the running agent
     * @throws AgentAlreadyRunningException when another agent owns the home (see {@link #attach()})
     * @throws NetPilotException (or a subclass naming the step) when the home, its state or the transport cannot be opened
     */
    public NetPilot start() {
        NetPilot agent = build(true);
        try {
            agent.startAgent();
            return agent;
        } catch (RuntimeException e) {
            agent.abandon(); // a failed start stops no router process: the tunnels run on under their leases
            throw e;
        }
    }

    /**
     * A manager over the home for one-shot work (disconnect, force cleanup): takes the lock, opens the
     * state and the transport; restores nothing, serves nothing, and its {@link NetPilot#close()} leaves
     * router processes as they are.
     *
     * @return the agent, not yet supervising anything
     * @throws AgentAlreadyRunningException when another agent owns the home
     * @throws NetPilotException (or a subclass naming the step) when the home, its state or the transport cannot be opened
     */
    public NetPilot open() {
        return build(false);
    }

    /**
     * Attaches to the agent that owns the home in another process, through the home's control channel.
     *
     * @return that agent ({@link Agent#attached()} is true), or empty when no agent answers
     */
    public Optional<Agent> attach() {
        return stateService().attach(resolveHome());
    }

    /**
     * Attaches to the home's running agent when there is one, else starts one here: what the desktop
     * does at start (and the CLI's {@code connect}).
     *
     * @return the attached or started agent; {@link Agent#attached()} tells which
     * @throws NetPilotException (or a subclass naming the step) when neither works
     */
    public Agent startOrAttach() {
        Optional<Agent> running = attach();
        if (running.isPresent()) {
            return running.get();
        }
        try {
            return start();
        } catch (AgentAlreadyRunningException raced) {
            // another agent took the lock between the look and the start: use it once it answers
            return attach().orElseThrow(() -> raced);
        }
    }

    /**
     * Asks the agent owning the home to stop (its clean exit), when one answers.
     *
     * @return whether an agent answered and accepted
     */
    public boolean requestStop() {
        return stateService().requestStop(resolveHome());
    }

    /**
     * The home's state as the files hold it, read through a view that changes nothing (no lock, no
     * network): for a look while another process may own the home.
     *
     * @return a read-only store; {@link StateStore#problems()} lists unreadable files
     * @throws UnsupportedSchemaException when a file was written by a newer NetPilot
     */
    public StateStore readState() {
        return stateService().view(resolveHome());
    }

    private NetPilot build(boolean agent) {
        Path dir = resolveHome();
        StateService states = stateService();
        TransportService transports = transport != null ? transport : load(TransportService.class, "netpilot-ssh");
        NetPilotConfig config = new NetPilotConfig(dir, settings, clock, routerClient, transports, states, exitCleanupBound,
                networkWatch, agent && controlChannel, agent && shutdownHook, agent ? onRestored : Optional.empty(), onExitCleanup);
        StateService.Held lock = states.lock(dir);
        Transport t = null;
        try {
            StateStore store = states.open(dir, clock);
            t = transports.start(new TransportService.Options(dir.resolve("known_hosts"), dir.resolve("id_ed25519"), routerClient));
            TunnelManager manager = TunnelManagers.builder()
                    .connector(t.connector()).launcher(t.launcher()).relayGateway(t.relayGateway())
                    .portAllocator(t.portAllocator()).probe(t.probe()).processes(t.processes())
                    .store(store).clock(clock).settings(settings)
                    // this agent's name on shared relays, stable per home: derived from its key
                    .agentId(NetPilot.agentIdOf(t))
                    .identityProbe(t.identityProbe()).identityCheckInterval(identityCheckInterval)
                    .build();
            store.problems().forEach(p -> LOG.warn("state file was unreadable and has been set aside: {}", p.message()));
            return new NetPilot(config, lock, store, t, manager, agent);
        } catch (RuntimeException e) {
            if (t != null) {
                t.close();
            }
            lock.close();
            throw e;
        }
    }

    private Path resolveHome() {
        return home != null ? home : defaultHome(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@value #HOME_ENV} when set and not blank, else {@code ~/.netpilot}. */
    static Path defaultHome(Map<String, String> env, Path userHome) {
        return Optional.ofNullable(env.get(HOME_ENV)).filter(v -> !v.isBlank()).map(Path::of)
                .orElseGet(() -> userHome.resolve(".netpilot")).toAbsolutePath().normalize();
    }

    private StateService stateService() {
        return state != null ? state : load(StateService.class, "netpilot-state");
    }

    private static <T> T load(Class<T> service, String artifact) {
        return ServiceLoader.load(service, NetPilot.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new NetPilotException("no " + service.getSimpleName() + " found: put " + artifact
                        + " on the module path or class path, or give NetPilot.builder()." + (service == StateService.class ? "state" : "transport") + "(...)"));
    }

    private static void logRestored(RestoreReport report) {
        report.restored().forEach(t -> LOG.info("restored {} {} port {}{}", t.id(), t.state().name(), t.port().orElse(0),
                t.reason().map(r -> " (" + r + ")").orElse("")));
        report.rediscoveries().forEach(r -> LOG.info("rediscovery on {}: {}", r.router(),
                r.report().map(Object::toString).or(r::error).orElse("")));
    }
}
