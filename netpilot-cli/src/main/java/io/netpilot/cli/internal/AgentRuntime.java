package io.netpilot.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.NetworkWatcher;
import io.netpilot.core.RediscoveryReport;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateFile;
import io.netpilot.core.StateProblem;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelEventListener;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.core.StateCorruptException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent process: the home's lock, the wired tunnel manager, the control socket, and the ordered
 * shutdown (stop accepting requests, stop every tunnel's router processes within a bound, close the
 * SSH client, release the lock). Thread-safe.
 */
public final class AgentRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    /** How long an agent exit may spend stopping router processes; what is left is left to its lease. */
    public static final Duration EXIT_CLEANUP_BOUND = Duration.ofSeconds(20);
    /** How often the agent compares this machine's interfaces and addresses with the last look. */
    static final Duration NETWORK_WATCH_INTERVAL = Duration.ofSeconds(2);

    private final NetPilotHome home;
    private final Console console;
    private final AgentLock lock;
    private final Injector injector;
    private final TunnelManager manager;
    private final Duration defaultLeaseTtl;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final CountDownLatch cleanupDone = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ControlServer server;

    private AgentRuntime(NetPilotHome home, Console console, AgentLock lock, Injector injector, Duration defaultLeaseTtl) {
        this.home = home;
        this.console = console;
        this.lock = lock;
        this.injector = injector;
        this.manager = injector.getInstance(TunnelManager.class);
        this.defaultLeaseTtl = defaultLeaseTtl;
    }

    /**
     * Takes the home's lock and wires the manager; nothing is restored or served yet.
     *
     * @throws io.netpilot.core.AgentAlreadyRunningException when another agent owns the home
     */
    public static AgentRuntime open(NetPilotHome home, Console console, Duration defaultLeaseTtl) {
        return open(home, console, defaultLeaseTtl, ManagerSettings.DEFAULTS);
    }

    public static AgentRuntime open(NetPilotHome home, Console console, Duration defaultLeaseTtl, ManagerSettings settings) {
        AgentLock lock = AgentLock.acquire(home);
        try {
            Injector injector = Guice.createInjector(Stage.PRODUCTION, new NetPilotModule(home, settings));
            AgentRuntime runtime = new AgentRuntime(home, console, lock, injector, defaultLeaseTtl);
            injector.getInstance(StateStore.class).problems()
                    .forEach(p -> console.warn("state file was unreadable and has been set aside: " + p.message()));
            return runtime;
        } catch (RuntimeException e) {
            lock.close();
            throw e instanceof com.google.inject.ProvisionException pe && pe.getCause() instanceof NetPilotException np ? np : e;
        }
    }

    public TunnelManager manager() {
        return manager;
    }

    public NetPilotHome home() {
        return home;
    }

    /** Restores every wanted tunnel on a virtual thread, printing the outcome of each. */
    public void restoreInBackground() {
        Thread.ofVirtual().name("netpilot-restore").start(this::restore);
    }

    /**
     * Restores every wanted tunnel now; when tunnel-state.json was unreadable and set aside, then also
     * takes back from every known router what it still runs (see {@link #rediscover()}). Returns the
     * tunnels in their states.
     */
    public List<TunnelSnapshot> restore() {
        List<TunnelSnapshot> restored = new ArrayList<>(manager.restore());
        restored.forEach(t -> console.println("restored " + t.id() + " " + t.state().name() + " port " + t.port().orElse(0)
                + t.reason().map(r -> " (" + r + ")").orElse("")));
        if (tunnelStateSetAside()) {
            restored.addAll(rediscover());
        }
        return restored;
    }

    /** Whether the store found tunnel-state.json unreadable at start and moved it aside. */
    private boolean tunnelStateSetAside() {
        return injector.getInstance(StateStore.class).problems().stream().anyMatch(p -> p.file() == StateFile.TUNNELS);
    }

    /**
     * The wanted tunnels were lost with tunnel-state.json: every router of router-connections.json (kept
     * in its own file) is asked for its tunnels; each one it can describe is wanted again and adopted or
     * relaunched, each one it cannot is stopped. One line per tunnel, so nothing happens silently.
     */
    private List<TunnelSnapshot> rediscover() {
        List<RouterConnection> routers = injector.getInstance(StateStore.class).routerConnections();
        console.warn("tunnel-state.json was set aside; looking for this agent's tunnels on " + routers.size() + " known router(s)");
        List<TunnelSnapshot> found = new ArrayList<>();
        for (RouterConnection c : routers) {
            try {
                RediscoveryReport report = manager.rediscover(RouterEndpoint.of(c.address()), c.keys().routerCredentials());
                for (RediscoveryReport.Found f : report.found()) {
                    TunnelSnapshot t = f.tunnel();
                    console.println("rediscovered " + t.id() + " on " + c.address() + " port " + t.port().orElse(0) + ": "
                            + t.state().name() + (f.adopted() ? " (adopted)" : t.reason().map(r -> " (" + r + ")").orElse(" (relaunched)")));
                    found.add(t);
                }
                for (RediscoveryReport.Orphan o : report.orphans()) {
                    if (o.error().isPresent() && o.stopped().isEmpty()) {
                        console.warn("orphan " + o.token() + " on " + c.address() + ": " + o.error().get());
                    } else {
                        console.println("stopped orphan " + o.token() + " on " + c.address() + ": " + o.stopped().size() + " process(es)"
                                + o.error().map(e -> " (" + e + ")").orElse(""));
                    }
                }
                if (report.found().isEmpty() && report.orphans().isEmpty()) {
                    console.println("no lost tunnels on " + c.address());
                }
            } catch (NetPilotException e) {
                console.warn("could not look for lost tunnels on " + c.address() + ": " + e.getMessage());
            }
        }
        return found;
    }

    /**
     * Serves the control socket and blocks until a {@code stop} request, SIGINT or SIGTERM; then cleans up
     * every tunnel's router processes (they stay wanted) and returns.
     */
    public void serveUntilStopped() {
        try {
            server = ControlServer.start(home.controlSocket(), this::handle);
        } catch (IOException e) {
            throw new NetPilotException("cannot listen on " + home.controlSocket() + ": " + e.getMessage(), e);
        }
        Thread hook = new Thread(this::shutdownFromSignal, "netpilot-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // A change of this machine's network (Wi-Fi to cable, VPN, wake-up) probes every tunnel at once.
        NetworkWatcher network = NetworkWatcher.start(NETWORK_WATCH_INTERVAL, manager::networkChanged);
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            network.close();
        }
        cleanupOnExit();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; it found the work done
        }
    }

    private void shutdownFromSignal() {
        stopRequested.countDown();
        cleanupOnExit();
        close();
    }

    /**
     * Stops every tunnel's router processes from the persisted state, once, and prints what it
     * stopped. A second caller (the main thread woken by the signal that started the shutdown hook)
     * waits until the first has finished, so nothing closes the manager under a running cleanup.
     */
    public void cleanupOnExit() {
        if (!cleanedUp.compareAndSet(false, true)) {
            try {
                cleanupDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            if (server != null) {
                server.close();
            }
            console.println("stopping the router-side processes of every tunnel (they stay wanted)...");
            CleanupReport report = manager.cleanup(EXIT_CLEANUP_BOUND);
            print(console, report, "stopped");
        } finally {
            cleanupDone.countDown();
        }
    }

    private ObjectNode handle(JsonNode request, java.util.function.Consumer<ObjectNode> emit) throws Exception {
        String op = request.path("op").asText();
        ObjectNode reply = ControlServer.ok();
        switch (op) {
            case "status" -> {
                ObjectNode doc = StatusDocument.status(true, manager.tunnels());
                doc.put("ok", true);
                return doc;
            }
            case "connect" -> {
                ConnectArgs args = ConnectArgs.fromJson(request);
                reply.set("tunnel", StatusDocument.tunnel(manager.connect(args.request())));
            }
            case "disconnect" -> {
                List<TunnelId> done = new ArrayList<>();
                for (CleanupReport r : disconnect(StatusDocument.text(request, "id").map(TunnelId::new), StatusDocument.text(request, "router"), request.path("all").asBoolean())) {
                    r.entries().forEach(e -> e.tunnel().ifPresent(done::add));
                }
                var list = reply.putArray("disconnected");
                done.forEach(id -> list.add(id.value()));
            }
            case "watch" -> {
                CountDownLatch gone = new CountDownLatch(1);
                TunnelEventListener listener = event -> {
                    try {
                        emit.accept(StatusDocument.event(event));
                    } catch (RuntimeException clientGone) {
                        gone.countDown();
                    }
                };
                AutoCloseable subscription = manager.subscribe(listener);
                try {
                    while (!gone.await(1, TimeUnit.SECONDS) && stopRequested.getCount() > 0) {
                        emit.accept(StatusDocument.JSON.createObjectNode().put("type", "heartbeat"));
                    }
                } finally {
                    subscription.close();
                }
            }
            case "stop" -> stopRequested.countDown();
            default -> throw new io.netpilot.core.InvalidInputException("unknown control request '" + op + "'");
        }
        return reply;
    }

    /** Disconnects one tunnel, every tunnel of a router host, or all. */
    public List<CleanupReport> disconnect(Optional<TunnelId> id, Optional<String> routerHost, boolean all) {
        List<TunnelId> targets = new ArrayList<>();
        if (id.isPresent()) {
            targets.add(id.get());
        } else {
            for (TunnelSnapshot t : manager.tunnels()) {
                if (all || routerHost.map(h -> h.equalsIgnoreCase(t.router().host()) || h.equals(t.router().toString())).orElse(false)) {
                    targets.add(t.id());
                }
            }
            if (targets.isEmpty()) {
                throw new TunnelNotFoundException(all ? "there are no tunnels to disconnect" : "no tunnel goes to router " + routerHost.orElse("?"));
            }
        }
        List<CleanupReport> reports = new ArrayList<>();
        for (TunnelId t : targets) {
            reports.add(manager.disconnect(t));
        }
        return reports;
    }

    /**
     * The wanted tunnels as the state files have them, read through a view that changes nothing (no
     * agent, no lock, no network), with any file that could not be read.
     */
    public static Persisted persistedTunnels(NetPilotHome home) {
        StateStore view = StateStores.view(home);
        return new Persisted(view.tunnels().stream().map(StatusDocument::fromRecord).toList(), view.problems().stream().map(StateProblem::message).toList());
    }

    /**
     * What the state files hold when no agent runs.
     *
     * @param tunnels the wanted tunnels, in their last known states
     * @param problems the files that could not be read
     */
    public record Persisted(List<TunnelSnapshot> tunnels, List<String> problems) {}

    /**
     * Stops NetPilot's processes on one router with no state: by token (all of them, or those of
     * {@code port}, with token-less clients whose {@code -R} binds {@code port}).
     */
    public static CleanupReport forceCleanup(NetPilotHome home, Console console, RouterEndpoint router, Credentials credentials,
            OptionalInt port) {
        try (AgentRuntime runtime = open(home, console, Duration.ofMinutes(2))) {
            return runtime.manager.forceCleanup(router, credentials, port);
        }
    }

    /** Logs in to the router with a password once and installs the agent's key there. */
    public static void installAgentKey(NetPilotHome home, SshAddress router, Credentials.Password password, HostKeyPolicy policy) {
        try (SshTransport transport = SshTransport.start(SshSettings.defaults(home.knownHostsFile(), home.agentKeyFile()));
                RemoteShell shell = transport.open(router, password, policy)) {
            RouterKeyInstaller.create().install(shell, transport.agentKeys().publicKeyLine());
        }
    }

    /**
     * Starts {@code netpilot agent} in the background (its output in {@code <home>/logs/agent.out})
     * and returns a client once its control socket answers. The agent inherits this process's
     * environment without {@code secretVariable} (the one {@code --router-password-env} named), so a
     * password used here never lives on in the agent's environment.
     */
    public static ControlClient spawnBackgroundAgent(NetPilotHome home, Console console, Duration leaseTtl,
            Optional<String> secretVariable) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(Launch.jvmArguments());
        command.addAll(List.of("--home", home.root().toString(), "agent", "--lease-ttl", leaseTtl.toSeconds() + "s"));
        var step = console.step("starting a background agent");
        try {
            Path out = home.logsDir().resolve("agent.out");
            if (Files.isSymbolicLink(out)) { // appended to by name, so never through a link
                throw new StateCorruptException(out + " is a symbolic link; NetPilot never follows links in its home: remove it");
            }
            ProcessBuilder builder = new ProcessBuilder(command);
            secretVariable.ifPresent(builder.environment()::remove);
            Process p = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<ControlClient> client = ControlClient.connect(home.controlSocket());
                if (client.isPresent()) {
                    step.done("pid " + p.pid());
                    return client.get();
                }
                if (!p.isAlive()) {
                    throw new NetPilotException("the background agent exited with " + p.exitValue() + "; see " + home.logsDir().resolve("agent.out"));
                }
                p.waitFor(100, TimeUnit.MILLISECONDS);
            }
            p.destroy();
            throw new NetPilotException("the background agent did not open its control socket within 30 s; see " + home.logsDir());
        } catch (IOException e) {
            throw new NetPilotException("cannot start a background agent: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetPilotException("interrupted while starting the background agent", e);
        }
    }

    /** Prints a cleanup report, one line per router entry. */
    public static void print(Console console, CleanupReport report, String verb) {
        if (report.entries().isEmpty()) {
            console.println("nothing to " + ("stopped".equals(verb) ? "stop" : verb));
        }
        for (CleanupReport.Entry e : report.entries()) {
            String what = e.tunnel().map(TunnelId::value).orElse("tunnel") + " on " + e.router();
            if (e.error().isPresent()) {
                console.warn(what + ": " + e.error().get() + " (left to its lease)");
            } else {
                console.println(verb + " " + what + ": " + e.stopped().size() + " process(es)"
                        + (e.survivors().isEmpty() ? "" : ", " + e.survivors().size() + " SURVIVED"));
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close();
        }
        try {
            manager.close();
        } finally {
            try {
                injector.getInstance(SshTransport.class).close();
            } catch (RuntimeException e) {
                LOG.warn("closing the SSH client: {}", e.toString());
            }
            lock.close();
        }
    }

    Duration defaultLeaseTtl() {
        return defaultLeaseTtl;
    }
}
