package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestoreTest {
    private final Harness h = new Harness();
    private FakeWorld.FakeRouter router;
    private TunnelSnapshot before;

    @BeforeEach
    void aTunnelFromAnEarlierAgent() {
        router = h.world.router("r1.example");
        TunnelManager earlier = h.manager();
        before = earlier.connect(h.request("r1.example"));
        earlier.close();
    }

    @AfterEach
    void closeManagers() {
        h.close();
    }

    @Test
    void aHealthyTunnelIsAdoptedWithoutALaunch() {
        int renewals = router.renewals.get();

        List<TunnelSnapshot> restored = h.manager().restore();

        assertThat(restored).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(TunnelState.UP);
            assertThat(s.port()).isEqualTo(before.port());
        });
        assertThat(router.launched).hasSize(1);
        assertThat(router.renewals.get()).isGreaterThan(renewals);
    }

    @Test
    void aDeadTunnelIsRelaunchedOnTheSamePortWithTheSameToken() {
        router.reboot();

        List<TunnelSnapshot> restored = h.manager().restore();

        assertThat(restored).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(TunnelState.UP);
            assertThat(s.port()).isEqualTo(before.port());
        });
        assertThat(router.launched).hasSize(2);
        assertThat(router.launched.get(1)).isEqualTo(router.launched.get(0));
        assertThat(h.eventsOf(TunnelEvent.PortChanged.class)).isEmpty();
    }

    @Test
    void aStaleRelaySessionIsEndedToKeepThePort() {
        router.reboot(true);

        List<TunnelSnapshot> restored = h.manager().restore();

        assertThat(h.world.relay.endedSessions.get()).isEqualTo(1);
        assertThat(restored).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(TunnelState.UP);
            assertThat(s.port()).isEqualTo(before.port());
        });
    }

    @Test
    void aPortTrulyLostMovesTheTunnelAndPersistsTheNewPort() {
        router.reboot();
        synchronized (h.world) {
            h.world.relay.listeners.put(before.port().getAsInt(), FakeWorld.FOREIGN);
        }

        List<TunnelSnapshot> restored = h.manager().restore();

        int oldPort = before.port().getAsInt();
        assertThat(restored).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(TunnelState.UP);
            assertThat(s.port()).hasValue(oldPort + 1);
        });
        assertThat(h.store.tunnel(before.id()).orElseThrow().port()).hasValue(oldPort + 1);
        assertThat(h.store.portLeases()).extracting(l -> l.port()).containsExactly(oldPort + 1);
        assertThat(h.world.relay.leases).containsOnlyKeys(oldPort + 1);
        assertThat(h.world.relay.authorized).hasSize(1);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(h.eventsOf(TunnelEvent.PortChanged.class))
                .singleElement().satisfies(p -> assertThat(p.newPort()).isEqualTo(oldPort + 1)));
    }

    @Test
    void anUnreachableRouterIsRetriedUnderSupervision() {
        router.reachable = false;

        List<TunnelSnapshot> restored = h.manager().restore();

        assertThat(restored).singleElement().satisfies(s -> assertThat(s.state()).isInstanceOf(TunnelState.RouterUnreachable.class));
        assertThat(h.store.tunnel(before.id()).orElseThrow().state()).isInstanceOf(TunnelState.RouterUnreachable.class);

        router.reachable = true;

        await().atMost(Duration.ofSeconds(5)).until(() -> h.store.tunnel(before.id()).orElseThrow().state() instanceof TunnelState.Up);
        assertThat(router.launched).as("its processes survived, so nothing was relaunched").hasSize(1);
    }
}
