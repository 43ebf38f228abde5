package io.netpilot.cli.lifecycle;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.Console;
import io.netpilot.core.NetPilot;
import io.netpilot.core.RestoreReport;
import io.netpilot.core.RouterClient;
import io.netpilot.core.StateStore;
import io.netpilot.core.StateProblem;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.ssh.tunnel.TunnelPlumbing;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared set-up of the lifecycle tests: one embedded relay and any number of embedded routers in a
 * test's temp dir, NetPilot homes whose agent key both sides accept, and agents opened through the
 * front door ({@link NetPilot#builder()}, finding the real ssh and state modules) with test-sized timings. Everything it started ends in
 * {@link #close()} (managers, SSH clients, routers, relay; the testkit's close fails the test when a
 * process it started survives). Not thread-safe: one test at a time.
 */
public final class LifecycleRig implements AutoCloseable {
    /** Probe every second, repair after 2 failures, short backoff, a 20 s connect wait. */
    static final ManagerSettings FAST = ManagerSettings.DEFAULTS
            .withProbing(Duration.ofSeconds(1), Duration.ofSeconds(2), 2)
            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.1)
            .withConnectWait(Duration.ofSeconds(20), Duration.ofMillis(200));
    private static final AtomicInteger NEXT_RANGE = new AtomicInteger((int) (ProcessHandle.current().pid() % 40));

    final Path dir;
    public final EmbeddedRelay relay;
    /** A range of relay ports of its own, so that parallel or leftover tests never compete for one. */
    public final PortRange range;
    private final List<EmbeddedRouter> routers = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private final List<AutoCloseable> extras = new ArrayList<>();

    private LifecycleRig(Path dir) {
        this.dir = dir;
        this.relay = EmbeddedRelay.start(dir.resolve("relay"));
        int base = 41000 + (NEXT_RANGE.getAndIncrement() % 40) * 100;
        this.range = new PortRange(base, base + 99);
    }

    /** A relay in {@code dir}; add routers with {@link #router}. */
    public static LifecycleRig start(Path dir) {
        return new LifecycleRig(dir);
    }

    /** Skips (or fails with CI=true) when the flavour needs a binary this machine lacks. */
    static void requireFlavour(EmbeddedRouter.Flavour flavour) {
        if (flavour == EmbeddedRouter.Flavour.BUSYBOX) {
            Binaries.require("busybox");
        }
    }

    /** A new router of {@code flavour}, closed with the rig. */
    public EmbeddedRouter router(EmbeddedRouter.Flavour flavour) {
        requireFlavour(flavour);
        EmbeddedRouter r = EmbeddedRouter.start(flavour, dir.resolve("router" + routers.size()));
        routers.add(r);
        return r;
    }

    /** {@code n} routers of {@code flavour}. */
    List<EmbeddedRouter> routers(int n, EmbeddedRouter.Flavour flavour) {
        List<EmbeddedRouter> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            made.add(router(flavour));
        }
        return List.copyOf(made);
    }

    /** The home {@code name} in the rig's dir; its agent key (made now) may log in to the relay and every router so far. */
    public NetPilotHome home(String name) {
        NetPilotHome home = NetPilotHome.at(dir.resolve(name));
        AgentKeys keys = AgentKeys.loadOrCreate(home.agentKeyFile());
        relay.authorize(keys.keyPair().getPublic());
        routers.forEach(r -> r.authorize(keys.keyPair().getPublic()));
        return home;
    }

    /** A manager over {@code home} whose routers pick their own client. */
    Agent agent(NetPilotHome home) {
        return agent(home, ClientKind.AUTO, FAST);
    }

    /**
     * An agent over {@code home} (holding its lock) with the router-side client {@code client} and
     * {@code settings}; it restores nothing until the test calls {@code manager().restore()}.
     */
    Agent agent(NetPilotHome home, ClientKind client, ManagerSettings settings) {
        NetPilot netpilot = NetPilot.builder().home(home.root()).settings(settings)
                .routerClient(RouterClient.valueOf(client.name())).open();
        // A client of its own, only for the tests' looks at routers (tokens, processes).
        SshTransport transport = SshTransport.start(SshSettings.defaults(home.knownHostsFile(), home.agentKeyFile()));
        Agent agent = new Agent(home, netpilot, transport, TunnelPlumbing.launcher(client));
        agents.add(agent);
        return agent;
    }

    /** A request for a tunnel from {@code router}'s own SSH server to the relay, pinning new host keys. */
    ConnectRequest request(EmbeddedRouter router) {
        return request(router, Duration.ofSeconds(30));
    }

    ConnectRequest request(EmbeddedRouter router, Duration leaseTtl) {
        return request(router, router.address(), leaseTtl);
    }

    /** A tunnel to {@code router}'s SSH server that the agent reaches at {@code agentsWay} (through a {@code FaultyLink}, say). */
    ConnectRequest request(EmbeddedRouter router, SshAddress agentsWay, Duration leaseTtl) {
        RelayEndpoint relayEndpoint = RelayEndpoint.of(relay.address());
        TunnelSpec spec = new TunnelSpec(TunnelId.derive(agentsWay, router.port(), relay.address()),
                RouterEndpoint.of(agentsWay), relayEndpoint, router.port(), range, OptionalInt.empty(), leaseTtl);
        return new ConnectRequest(spec, Credentials.AGENT_KEY, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    /** Something else to close with the rig (before the servers), e.g. a socket a test holds. */
    <T extends AutoCloseable> T closeLater(T thing) {
        extras.add(thing);
        return thing;
    }

    /** The first line a plain TCP client reads from {@code 127.0.0.1:port}, or empty when nothing answers. */
    static Optional<String> banner(int port) {
        return Loopback.firstLine(port, Duration.ofSeconds(5));
    }

    /** Whether {@code port} on 127.0.0.1 carries the router's SSH banner. */
    static boolean carriesBanner(int port) {
        return Loopback.sshBanner(port, Duration.ofSeconds(5)).isPresent();
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    static boolean accepting(int port) {
        return Loopback.accepting(port);
    }

    /** The supervisor pid the router's work dir records for {@code token}, if any. */
    static Optional<Long> supervisorPid(EmbeddedRouter router, String token) {
        Path pid = router.workDir().resolve(token + ".pid");
        try {
            return Files.exists(pid) ? Optional.of(Long.parseLong(Files.readString(pid).strip())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        Exception first = null;
        for (AutoCloseable c : extras.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        for (Agent a : agents.reversed()) {
            a.close();
        }
        for (EmbeddedRouter r : routers.reversed()) {
            r.close();
        }
        relay.close();
        if (first != null) {
            throw new IllegalStateException("could not close a test resource: " + first, first);
        }
    }

    /**
     * An agent start over {@code home} as {@code netpilot agent} makes it: restore (and rediscovery when
     * tunnel-state.json was set aside), its lines printed as the agent prints them. Closing it leaves
     * the router processes running; {@code netpilot().stopTunnels()} stops them.
     */
    record Restart(NetPilot netpilot, List<TunnelSnapshot> tunnels, String printed) implements AutoCloseable {
        @Override
        public void close() {
            netpilot.close();
        }
    }

    static Restart restartPrinting(NetPilotHome home) {
        StringWriter out = new StringWriter();
        Console console = new Console(new PrintWriter(out, true), new PrintWriter(out, true), false);
        NetPilot netpilot = NetPilot.builder().home(home.root()).settings(FAST).open();
        RestoreReport report = netpilot.restore();
        Agents.printRestore(console, report);
        return new Restart(netpilot, report.tunnels(), out.toString());
    }

    /**
     * An agent opened through the front door, with a transport and a launcher of its own for the tests'
     * looks at routers; closing it closes the agent (no exit cleanup, as a one-shot agent) and the
     * transport, and releases the home. Not thread-safe.
     */
    record Agent(NetPilotHome home, NetPilot netpilot, SshTransport transport, TunnelLauncher launcher) implements AutoCloseable {
        /** The agent's manager. */
        TunnelManager manager() {
            return netpilot.manager();
        }

        /** The state files as they are now, read through a view that changes nothing. */
        StateStore store() {
            return NetPilot.builder().home(home.root()).readState();
        }

        /** The state files the agent found unreadable when it opened the home. */
        List<StateProblem> problems() {
            return netpilot.problems();
        }

        @Override
        public void close() {
            netpilot.close();
            transport.close();
        }
    }
}
