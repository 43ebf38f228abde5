package io.netpilot.desktop;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.netpilot.core.Agent;
import io.netpilot.core.NetPilot;
import io.netpilot.core.RestoreReport;
import io.netpilot.desktop.presentation.ConnectFlow;
import io.netpilot.desktop.presentation.Session;
import io.netpilot.desktop.presentation.TunnelsModel;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Wires the desktop over the front door: the agent is started here, or attached to when a headless
 * {@code netpilot agent} already owns the home ({@code startOrAttach}); SIGTERM runs the local agent's
 * clean exit (its shutdown hook). Everything else is built from that agent.
 */
final class DesktopModule extends AbstractModule {
    private final Path home;
    private final CompletableFuture<RestoreReport> restored = new CompletableFuture<>();

    DesktopModule(Path home) {
        this.home = home;
    }

    /** {@code --home DIR} when given, else {@code $NETPILOT_HOME}, else {@code ~/.netpilot}. */
    static Path homeFrom(String[] args) {
        Optional<Path> explicit = Optional.empty();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--home")) {
                explicit = Optional.of(Path.of(args[i + 1]));
            }
        }
        return NetPilotHome.resolvePath(explicit, Map.copyOf(System.getenv()));
    }

    @Override
    protected void configure() {
        bind(DesktopApp.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    Agent agent() {
        return NetPilot.builder().home(home).shutdownHook(true).onRestored(restored::complete).startOrAttach();
    }

    @Provides
    @Singleton
    Session session(Agent agent) {
        OptionalLong pid = agent.attached() ? AgentLock.recordedPid(NetPilotHome.at(home)) : OptionalLong.empty();
        return new Session(agent, pid);
    }

    @Provides
    @Singleton
    TunnelsModel tunnels(Agent agent) {
        // One daemon thread re-reads the agent's tunnels after events, in order, off NetPilot's event thread.
        TunnelsModel model = new TunnelsModel(agent::tunnels, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netpilot-desktop-refresh");
            t.setDaemon(true);
            return t;
        }));
        agent.subscribe(model::onEvent);
        model.start(!agent.attached() && !restored.isDone());
        restored.thenRun(model::restored);
        return model;
    }

    /** Installs the agent's key with a password in this process: through the local agent, or beside an attached one. */
    @Provides
    ConnectFlow.KeyInstaller keyInstaller(Agent agent) {
        if (agent instanceof NetPilot local) {
            return local::installAgentKey;
        }
        NetPilotHome h = NetPilotHome.at(home);
        return (router, password, policy) -> RouterKeyInstaller.installAgentKey(h.knownHostsFile(), h.agentKeyFile(), router, password, policy);
    }

    @Provides
    @HomeDir
    Path home() {
        return home;
    }
}
