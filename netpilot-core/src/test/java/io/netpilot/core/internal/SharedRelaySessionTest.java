package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet through one relay holds one relay session (issue 11): one login however many tunnels, one
 * new login when it dies however many tunnels notice, and a lost relay session is a control-plane
 * fault that never takes a tunnel down.
 */
class SharedRelaySessionTest {
    private static final int FLEET = 6;

    private final Harness h = new Harness();

    @AfterEach
    void closeManagers() {
        h.close();
    }

    private List<TunnelSnapshot> connectFleet(TunnelManager m) {
        List<TunnelSnapshot> fleet = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            fleet.add(m.connect(h.request("r" + i + ".example")));
        }
        return fleet;
    }

    private static boolean allUp(TunnelManager m, List<TunnelSnapshot> fleet) {
        return fleet.stream().allMatch(t -> m.tunnel(t.id()).orElseThrow().state() instanceof TunnelState.Up);
    }

    @Test
    void aFleetThroughOneRelayLogsInToItOnce() {
        TunnelManager m = h.manager();
        List<TunnelSnapshot> fleet = connectFleet(m);
        int probes = h.world.probes.get();

        await().atMost(Duration.ofSeconds(5)).until(() -> h.world.probes.get() > probes + 3 * FLEET);

        assertThat(h.world.relay.opens.get()).isEqualTo(1);
        assertThat(h.world.relay.openSessions()).isEqualTo(1);
        assertThat(allUp(m, fleet)).isTrue();
        assertThat(h.world.routers.values()).allSatisfy(r -> assertThat(r.opens.get()).as("router %s", r.address).isEqualTo(1));
    }

    @Test
    void aDeadRelaySessionIsReplacedByOneLoginAndNoTunnelIsTornDown() {
        TunnelManager m = h.manager();
        List<TunnelSnapshot> fleet = connectFleet(m);
        FakeWorld.FakeShell shared = h.world.relay.sessions.getFirst();
        int eventsBefore = h.events.size();

        shared.dead = true; // it stops answering; every tunnel's next probe on it fails as a lost session

        await().atMost(Duration.ofSeconds(5)).until(() -> h.world.relay.opens.get() == 2 && allUp(m, fleet)
                && h.events.subList(eventsBefore, h.events.size()).stream().anyMatch(SharedRelaySessionTest::relayUnreachable));
        int probes = h.world.probes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.world.probes.get() > probes + 3 * FLEET);

        assertThat(h.world.relay.opens.get()).as("one new login for the whole fleet").isEqualTo(2);
        assertThat(shared.isOpen()).as("the dead session was closed").isFalse();
        assertThat(h.world.relay.openSessions()).isEqualTo(1);
        assertThat(allUp(m, fleet)).isTrue();
        assertThat(h.world.routers.values()).allSatisfy(r -> assertThat(r.launched).as("router %s: not relaunched", r.address).hasSize(1));
        assertThat(h.events.subList(eventsBefore, h.events.size())).filteredOn(TunnelEvent.StateChanged.class::isInstance)
                .map(e -> ((TunnelEvent.StateChanged) e).to())
                .noneMatch(s -> s instanceof TunnelState.Stopped || s instanceof TunnelState.Failed
                        || s instanceof TunnelState.Recovering);
        assertThat(h.world.relay.endedSessions.get()).isZero();
    }

    private static boolean relayUnreachable(TunnelEvent e) {
        return e instanceof TunnelEvent.StateChanged c && c.to() instanceof TunnelState.RelayUnreachable;
    }

    @Test
    void otherRelayCredentialsAreAnotherSession() {
        TunnelManager m = h.manager();
        m.connect(h.request("r0.example"));
        ConnectRequest asked = h.request("r1.example");
        m.connect(new ConnectRequest(asked.spec(), asked.routerCredentials(), new Credentials.KeyFile(Path.of("/keys/relay_other")),
                asked.hostKeyPolicy()));
        m.connect(h.request("r2.example"));

        assertThat(h.world.relay.opens.get()).isEqualTo(2);
        assertThat(h.world.relay.openSessions()).isEqualTo(2);
    }

    @Test
    void theRelaySessionClosesWithTheLastTunnelDisconnectedAndWithTheManager() {
        TunnelManager m = h.manager();
        List<TunnelSnapshot> fleet = connectFleet(m);
        FakeWorld.FakeShell shared = h.world.relay.sessions.getFirst();

        for (TunnelSnapshot t : fleet.subList(0, FLEET - 1)) {
            m.disconnect(t.id());
        }
        assertThat(shared.isOpen()).as("one tunnel still uses it").isTrue();
        m.disconnect(fleet.getLast().id());
        assertThat(shared.isOpen()).as("the last tunnel let go").isFalse();
        assertThat(h.world.relay.openSessions()).isZero();

        m.connect(h.request("r0.example"));
        m.connect(h.request("r1.example"));
        assertThat(h.world.relay.opens.get()).as("the next tunnel logs in again, once").isEqualTo(2);
        m.close();
        assertThat(h.world.relay.openSessions()).isZero();
    }
}
