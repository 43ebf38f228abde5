package io.netpilot.state.internal;

import io.netpilot.core.Agent;
import io.netpilot.core.StateStore;
import io.netpilot.core.spi.StateService;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.state.internal.control.ControlClient;
import io.netpilot.state.internal.control.ControlServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The {@link StateService} that {@code netpilot-state} provides to the front door (module descriptor
 * and {@code META-INF/services}): the home's lock, its JSON store, and the control channel. Public
 * with a no-argument constructor only because {@link java.util.ServiceLoader} needs that; this
 * package is not exported. Stateless, thread-safe.
 */
public final class HomeStateService implements StateService {
    /** The control socket's name in the home; {@link NetPilotHome#controlSocket()} agrees. */
    private static final String SOCKET = "agent.sock";

    /** Made by {@link java.util.ServiceLoader}. */
    public HomeStateService() {}

    @Override
    public Held lock(Path home) {
        AgentLock lock = AgentLock.acquire(NetPilotHome.at(home));
        return lock::close;
    }

    @Override
    public StateStore open(Path home, Clock clock) {
        return StateStores.open(NetPilotHome.at(home), clock);
    }

    @Override
    public StateStore view(Path home) {
        return StateStores.view(NetPilotHome.at(home));
    }

    @Override
    public Held serve(Path home, Agent agent, Runnable stop) {
        return ControlServer.start(NetPilotHome.at(home).controlSocket(), agent, stop, ControlServer.Limits.DEFAULTS);
    }

    @Override
    public Optional<Agent> attach(Path home) {
        return ControlClient.attach(home.resolve(SOCKET));
    }

    @Override
    public boolean requestStop(Path home) {
        return ControlClient.requestStop(home.resolve(SOCKET));
    }
}
