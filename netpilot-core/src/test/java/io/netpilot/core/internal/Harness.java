package io.netpilot.core.internal;

import io.netpilot.core.AgentId;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.StopPolicy;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelManagers;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fake world, a store, and managers over them with fast settings; closes every manager it made. */
final class Harness implements AutoCloseable {
    static final ManagerSettings FAST = ManagerSettings.DEFAULTS
            .withProbing(Duration.ofMillis(30), Duration.ofMillis(200), 2)
            .withBackoff(Duration.ofMillis(40), Duration.ofMillis(400), 0)
            .withConnectWait(Duration.ofSeconds(2), Duration.ofMillis(10))
            .withStopPolicy(new StopPolicy(Duration.ZERO, 1));

    final FakeWorld world = new FakeWorld();
    final InMemoryStateStore store = new InMemoryStateStore();
    final List<TunnelEvent> events = new CopyOnWriteArrayList<>();
    private final List<TunnelManager> managers = new ArrayList<>();
    /** The agent id of the managers this harness makes; a test may set another to play a second agent. */
    AgentId agent = AgentId.of("SHA256:harness-agent");

    TunnelManager manager() {
        return manager(FAST);
    }

    TunnelManager manager(ManagerSettings settings) {
        TunnelManager m = TunnelManagers.builder()
                .connector(world.connector).launcher(world.launcher).relayGateway(world.gateway)
                .portAllocator(world.allocator).probe(world.probe).processes(world.processes).store(store)
                .clock(world.clock).settings(settings).random(new SplittableRandom(42))
                .agentId(agent).identityProbe(world.identityProbe)
                .build();
        m.subscribe(events::add);
        managers.add(m);
        return m;
    }

    ConnectRequest request(String routerHost) {
        return request(routerHost, 22);
    }

    ConnectRequest request(String routerHost, int targetPort) {
        FakeWorld.FakeRouter r = world.router(routerHost);
        TunnelSpec spec = new TunnelSpec(
                io.netpilot.core.TunnelId.derive(r.address, targetPort, world.relay.address),
                RouterEndpoint.of(r.address), RelayEndpoint.of(world.relay.address), targetPort,
                new PortRange(20000, 20009), OptionalInt.empty(), Duration.ofSeconds(30));
        return new ConnectRequest(spec, Credentials.AGENT_KEY, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    List<String> stateNames() {
        return events.stream()
                .filter(TunnelEvent.StateChanged.class::isInstance)
                .map(e -> ((TunnelEvent.StateChanged) e).to().name())
                .toList();
    }

    <T extends TunnelEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static boolean isUp(TunnelState s) {
        return s instanceof TunnelState.Up;
    }

    @Override
    public void close() {
        managers.forEach(TunnelManager::close);
    }
}
