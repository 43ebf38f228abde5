package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterUnreachableException;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectTest {
    private final Harness h = new Harness();

    @AfterEach
    void closeManagers() {
        h.close();
    }

    @Test
    void connectPersistsTheTunnelBeforeItSaysUpAndReturns() {
        TunnelManager m = h.manager();
        List<Boolean> storedWhenUp = new CopyOnWriteArrayList<>();
        m.subscribe(e -> {
            if (e instanceof TunnelEvent.StateChanged s && s.to() instanceof TunnelState.Up) {
                storedWhenUp.add(h.store.tunnel(s.tunnel()).map(r -> r.state() instanceof TunnelState.Up).orElse(false));
            }
        });
        ConnectRequest request = h.request("r1.example");

        TunnelSnapshot up = m.connect(request);

        assertThat(up.state()).isEqualTo(TunnelState.UP);
        assertThat(up.port()).hasValue(20000);
        TunnelRecord stored = h.store.tunnel(up.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(TunnelState.UP);
        assertThat(stored.port()).hasValue(20000);
        assertThat(stored.token()).hasValueSatisfying(t -> assertThat(t.belongsTo(request.spec().router().id())).isTrue());
        assertThat(stored.established()).hasValue(h.world.clock.instant());
        assertThat(h.store.portLeases()).singleElement().satisfies(l -> assertThat(l.port()).isEqualTo(20000));
        assertThat(h.world.relay.authorized).containsOnlyKeys(stored.token().get());
        assertThat(h.world.router("r1.example").launched).containsExactly(stored.token().get());
        assertThat(h.store.routerConnections()).singleElement()
                .satisfies(c -> assertThat(c.successes()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> h.stateNames().contains("UP") && !storedWhenUp.isEmpty());
        assertThat(h.stateNames()).startsWith("CONNECTING", "UP");
        assertThat(storedWhenUp).containsOnly(true);
    }

    @Test
    void connectingAWantedTunnelAgainReturnsItWithoutLaunching() {
        TunnelManager m = h.manager();
        TunnelSnapshot first = m.connect(h.request("r1.example"));
        TunnelSnapshot second = m.connect(h.request("r1.example"));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.port()).isEqualTo(first.port());
        assertThat(h.world.router("r1.example").launched).hasSize(1);
    }

    @Test
    void twoTunnelsOfOneRouterGetTwoPorts() {
        TunnelManager m = h.manager();
        TunnelSnapshot ssh = m.connect(h.request("r1.example", 22));
        TunnelSnapshot web = m.connect(h.request("r1.example", 443));

        assertThat(web.port()).isNotEqualTo(ssh.port());
        assertThat(m.tunnels()).hasSize(2);
    }

    enum FailingStep { OPEN_ROUTER, OPEN_RELAY, ENSURE_KEY, ALLOCATE, SAVE_LEASE, AUTHORIZE, LAUNCH, PROBE }

    @ParameterizedTest
    @EnumSource(FailingStep.class)
    void aFailureAtAnyStepUndoesEveryEarlierStep(FailingStep step) {
        TunnelManager m = h.manager(Harness.FAST.withConnectWait(Duration.ofMillis(300), Duration.ofMillis(10)));
        if (step == FailingStep.SAVE_LEASE) {
            h.store.failLeaseWrites = true;
        } else {
            h.world.failAt = FakeWorld.Step.valueOf(step.name());
        }
        ConnectRequest request = h.request("r1.example");

        assertThatThrownBy(() -> m.connect(request)).isInstanceOf(NetPilotException.class).hasMessageNotContaining("bug");

        FakeWorld.FakeRouter router = h.world.router("r1.example");
        assertThat(router.aliveSups()).as("router processes").isEmpty();
        assertThat(router.files).as("router files").isEmpty();
        assertThat(h.world.relay.authorized).as("relay authorizations").isEmpty();
        assertThat(h.world.relay.leases).as("relay port leases").isEmpty();
        assertThat(h.world.relay.listeners).as("relay listeners").isEmpty();
        assertThat(h.store.portLeases()).as("stored leases").isEmpty();
        assertThat(h.store.tunnels()).as("stored tunnels").isEmpty();
        assertThat(m.tunnels()).isEmpty();
        assertThat(h.store.routerConnections()).singleElement().satisfies(c -> {
            assertThat(c.failures()).isEqualTo(1);
            assertThat(c.lastError()).isPresent();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> h.stateNames().contains("FAILED"));
    }

    @Test
    void anUnreachableRouterFailsWithItsOwnException() {
        TunnelManager m = h.manager();
        h.world.router("r1.example").reachable = false;

        assertThatThrownBy(() -> m.connect(h.request("r1.example")))
                .isInstanceOf(RouterUnreachableException.class)
                .hasMessageContaining("r1.example");
        assertThat(h.store.routerConnections()).extracting(RouterConnection::failures).containsExactly(1L);
    }

    @ParameterizedTest(name = "dbclient: {0}")
    @ValueSource(booleans = {false, true})
    void aPortTakenRightAfterItsLeaseFallsBackToAnotherAndSaysSo(boolean dbclient) {
        TunnelManager m = h.manager();
        h.world.relay.takenRightAfterLease.add(20000);
        h.world.router("r1.example").dbclient = dbclient; // each client says "refused" in its own words

        TunnelSnapshot up = m.connect(h.request("r1.example"));

        assertThat(up.port()).hasValue(20001);
        TunnelRecord stored = h.store.tunnel(up.id()).orElseThrow();
        assertThat(stored.port()).hasValue(20001);
        assertThat(stored.token().orElseThrow().port()).isEqualTo(20001);
        assertThat(h.world.relay.leases).containsOnlyKeys(20001);
        assertThat(h.store.portLeases()).singleElement().satisfies(l -> assertThat(l.port()).isEqualTo(20001));
        assertThat(h.world.relay.authorized).containsOnlyKeys(stored.token().get());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.eventsOf(TunnelEvent.PortChanged.class))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.oldPort()).isEqualTo(20000);
                    assertThat(p.newPort()).isEqualTo(20001);
                    assertThat(p.why()).contains("20000");
                    assertThat(p.why()).as("read from the client's own words at once, not found after the probe wait")
                            .contains("refused to let the router listen");
                }));
    }

    @Test
    void aRequestedPortThatIsLostIsNotReplacedByAnother() {
        TunnelManager m = h.manager();
        h.world.relay.takenRightAfterLease.add(20005);
        ConnectRequest base = h.request("r1.example");
        TunnelSpec s = base.spec();
        ConnectRequest request = new ConnectRequest(new TunnelSpec(s.id(), s.router(), s.relay(), s.targetPort(),
                s.portRange(), OptionalInt.of(20005), s.leaseTtl()), base.routerCredentials(), base.relayCredentials(),
                base.hostKeyPolicy());

        assertThatThrownBy(() -> m.connect(request)).isInstanceOf(PortUnavailableException.class).hasMessageContaining("--port");
        assertThat(h.world.relay.leases).isEmpty();
        assertThat(h.world.relay.authorized).isEmpty();
    }
}
