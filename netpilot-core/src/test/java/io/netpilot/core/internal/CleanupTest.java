package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.Credentials;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CleanupTest {
    private final Harness h = new Harness();

    @AfterEach
    void closeManagers() {
        h.world.routers.values().forEach(r -> {
            if (r.hang != null) {
                r.hang.countDown();
            }
        });
        h.close();
    }

    @Test
    void cleanupWorksFromTheStoreAloneAndLeavesTunnelsWanted() {
        TunnelManager first = h.manager();
        first.connect(h.request("r1.example"));
        first.connect(h.request("r2.example"));
        first.close(); // a crash would leave the same: processes running, state on disk

        TunnelManager second = h.manager(); // empty memory, filled store
        CleanupReport report = second.cleanup(Duration.ofSeconds(5));

        assertThat(report.complete()).isTrue();
        assertThat(report.entries()).hasSize(2).allSatisfy(e -> assertThat(e.stopped()).isNotEmpty());
        assertThat(h.world.router("r1.example").aliveSups()).isEmpty();
        assertThat(h.world.router("r2.example").aliveSups()).isEmpty();
        assertThat(h.world.router("r1.example").files).isEmpty();
        assertThat(h.world.relay.authorized).isEmpty();
        assertThat(h.world.relay.listeners).isEmpty();
        assertThat(h.store.tunnels()).hasSize(2).allSatisfy(r -> assertThat(r.state()).isEqualTo(TunnelState.STOPPED));
        assertThat(h.world.relay.leases).as("ports stay leased so restore gets them back").hasSize(2);
    }

    @Test
    void aHangingRouterDoesNotHoldUpTheOthersBeyondTheBound() {
        TunnelManager first = h.manager();
        first.connect(h.request("hangs.example")); // first in the store, so a serial cleanup would wait on it
        first.connect(h.request("r1.example"));
        first.close();
        h.world.router("hangs.example").hang = new CountDownLatch(1);

        TunnelManager second = h.manager();
        long start = System.nanoTime();
        CleanupReport report = second.cleanup(Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofMillis(1500));
        assertThat(h.world.router("r1.example").aliveSups()).isEmpty();
        assertThat(h.world.router("hangs.example").aliveSups()).as("left to its lease").hasSize(1);
        assertThat(report.complete()).isFalse();
        assertThat(report.entries()).filteredOn(e -> e.router().host().equals("hangs.example"))
                .singleElement().satisfies(e -> assertThat(e.error()).hasValueSatisfying(m -> assertThat(m).contains("lease")));
        assertThat(report.entries()).filteredOn(e -> e.router().host().equals("r1.example"))
                .singleElement().satisfies(e -> assertThat(e.error()).isEmpty());
        assertThat(h.store.tunnels()).hasSize(2);
    }

    @Test
    void cleanupStopsSupervisionSoNothingIsRelaunched() {
        TunnelManager m = h.manager();
        m.connect(h.request("r1.example"));

        assertThat(m.cleanup(Duration.ofSeconds(5)).complete()).isTrue();

        FakeWorld.FakeRouter r = h.world.router("r1.example");
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
                .until(() -> r.launched.size() == 1 && r.aliveSups().isEmpty());
    }

    @Test
    void disconnectStopsEverythingAndForgetsTheTunnel() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));

        CleanupReport report = m.disconnect(up.id());

        assertThat(report.complete()).isTrue();
        assertThat(report.entries()).singleElement().satisfies(e -> assertThat(e.stopped()).hasSize(2));
        assertThat(h.world.router("r1.example").aliveSups()).isEmpty();
        assertThat(h.world.router("r1.example").files).isEmpty();
        assertThat(h.world.relay.authorized).isEmpty();
        assertThat(h.world.relay.leases).isEmpty();
        assertThat(h.store.tunnels()).isEmpty();
        assertThat(h.store.portLeases()).isEmpty();
        assertThat(m.tunnels()).isEmpty();
        await().atMost(Duration.ofSeconds(2)).until(() -> h.stateNames().contains("STOPPED"));
        assertThatThrownBy(() -> m.disconnect(up.id())).isInstanceOf(TunnelNotFoundException.class);
    }

    @Test
    void disconnectFromAnUnreachableRouterStillForgetsButReportsIt() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        h.world.router("r1.example").agentCut = true;

        CleanupReport report = m.disconnect(up.id());

        assertThat(report.complete()).isFalse();
        assertThat(report.entries()).singleElement()
                .satisfies(e -> assertThat(e.error()).hasValueSatisfying(msg -> assertThat(msg).contains("r1.example", "lease")));
        assertThat(h.store.tunnels()).isEmpty();
        assertThat(h.world.relay.authorized).as("relay side is still cleaned").isEmpty();
    }

    @Test
    void forceCleanupFindsTunnelsWithNoStateByTokenAndByPort() {
        TunnelManager old = h.manager();
        old.connect(h.request("r1.example", 22));
        old.connect(h.request("r1.example", 443));
        old.close();
        for (TunnelRecord r : h.store.tunnels()) {
            h.store.removeTunnel(r.id()); // the state is gone (corrupt, or another machine)
        }
        FakeWorld.FakeRouter router = h.world.router("r1.example");
        synchronized (h.world) {
            router.legacy.add(new RemoteProcess(77, 1, "root", "ssh -N -R 20007:localhost:22 tunnel@relay"));
            router.legacy.add(new RemoteProcess(78, 1, "root", "dropbear -p 22"));
        }

        TunnelManager m = h.manager();
        CleanupReport byPort = m.forceCleanup(RouterEndpoint.of(router.address), Credentials.AGENT_KEY, OptionalInt.of(20007));
        assertThat(byPort.entries()).singleElement().satisfies(e -> assertThat(e.stopped()).extracting(RemoteProcess::pid).containsExactly(77));
        assertThat(router.aliveSups()).hasSize(2);

        CleanupReport all = m.forceCleanup(RouterEndpoint.of(router.address), Credentials.AGENT_KEY, OptionalInt.empty());
        assertThat(all.entries()).hasSize(2);
        assertThat(all.complete()).isTrue();
        assertThat(router.aliveSups()).isEmpty();
        assertThat(router.files).isEmpty();
        assertThat(router.legacy).extracting(RemoteProcess::pid).containsExactly(78);
    }

    @Test
    void aSlowListenerDelaysOnlyItself() throws Exception {
        TunnelManager m = h.manager();
        CountDownLatch release = new CountDownLatch(1);
        AutoCloseable slow = m.subscribe(e -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            TunnelSnapshot up = m.connect(h.request("r1.example"));
            assertThat(up.state()).isEqualTo(TunnelState.UP);
            await().atMost(Duration.ofSeconds(2)).until(() -> !h.eventsOf(TunnelEvent.Metrics.class).isEmpty());
        } finally {
            release.countDown();
            slow.close();
        }
    }
}
