package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisionTest {
    private final Harness h = new Harness();

    @AfterEach
    void closeManagers() {
        h.close();
    }

    @Test
    void aBrokenTunnelIsRepairedWithGrowingBackoffAndComesBackUp() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        r.failLaunches.set(3);

        r.reboot();

        await().atMost(Duration.ofSeconds(10)).until(() -> r.launched.size() == 2
                && m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up);
        assertThat(r.launched.get(1)).as("same token, so same port").isEqualTo(r.launched.get(0));
        assertThat(m.tunnel(up.id()).orElseThrow().port()).isEqualTo(up.port());
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(h.stateNames()).containsSubsequence("UP", "RECOVERING", "UP"));
        List<Long> attempts = r.launchNanos.subList(1, r.launchNanos.size()); // the connect's launch is not a repair
        assertThat(attempts).hasSize(4);
        // backoff base 40 ms, doubling, no jitter: the waits before attempts 2, 3, 4 are at least 40, 80, 160 ms
        for (int i = 1; i < attempts.size(); i++) {
            long gapMillis = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000;
            assertThat(gapMillis).as("gap before repair attempt %d", i + 1).isGreaterThanOrEqualTo(40L << (i - 1));
        }
        assertThat(h.store.tunnel(up.id()).orElseThrow().state()).isEqualTo(TunnelState.UP);
    }

    @Test
    void aStaleSessionThatEndsByItselfAsTheAgentLooksIsNotRepairedByARelaunch() {
        TunnelManager m = h.manager(Harness.FAST.withRideOut(Duration.ofMillis(100)));
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        int port = up.port().orElseThrow();

        synchronized (h.world) {
            h.world.relay.listeners.put(port, FakeWorld.GHOST);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> h.stateNames().contains("RECOVERING")
                && m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up);
        assertThat(r.launched).as("acted on what it found when it acted: nothing to relaunch").hasSize(1);
        assertThat(h.world.relay.endedSessions.get()).isZero();
        assertThat(m.tunnel(up.id()).orElseThrow().port()).hasValue(port);
    }

    @Test
    void aNetworkChangeTriggersAProbeAtOnce() {
        TunnelManager m = h.manager(Harness.FAST.withProbing(Duration.ofHours(1), Duration.ofMillis(200), 2));
        m.connect(h.request("r1.example"));
        int probes = h.world.probes.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> h.world.probes.get() == probes);

        m.networkChanged();

        await().atMost(Duration.ofSeconds(1)).until(() -> h.world.probes.get() > probes);
    }

    @Test
    void theLeaseIsRenewedEveryThirdOfItsTtl() {
        TunnelManager m = h.manager();
        m.connect(h.request("r1.example")); // TTL 30 s
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> r.renewals.get() == 0);

        h.world.clock.advance(Duration.ofSeconds(11));

        await().atMost(Duration.ofSeconds(2)).until(() -> r.renewals.get() == 1);
    }

    @Test
    void heartbeatsReachTheStoreAtMostEveryTenSeconds() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        int writes = h.store.tunnelWrites.get();
        int probes = h.world.probes.get();
        await().atMost(Duration.ofSeconds(2)).until(() -> h.world.probes.get() > probes + 5);
        assertThat(h.store.tunnelWrites.get()).as("many probes, no writes").isEqualTo(writes);

        h.world.clock.advance(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(2)).until(() ->
                h.store.tunnel(up.id()).orElseThrow().lastHeartbeat().orElseThrow().equals(h.world.clock.instant()));
    }

    @Test
    void aRouterTheAgentCannotReachWhileTheTunnelWorksIsDegradedNotDown() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        r.agentCut = true;

        h.world.clock.advance(Duration.ofSeconds(11)); // lease renewal due, and it fails

        await().atMost(Duration.ofSeconds(2)).until(() -> m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Degraded);
        TunnelState s = m.tunnel(up.id()).orElseThrow().state();
        assertThat(s.carriesTraffic()).isTrue();
        assertThat(s.reason()).hasValueSatisfying(why -> assertThat(why).contains("renew its lease"));
        assertThat(r.launched).hasSize(1);

        r.agentCut = false;

        await().atMost(Duration.ofSeconds(2)).until(() -> m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up);
    }

    @Test
    void retryNowSkipsTheBackoff() {
        TunnelManager m = h.manager(Harness.FAST.withBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60), 0));
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        r.failLaunches.set(1);
        r.reboot();
        await().atMost(Duration.ofSeconds(5)).until(() -> r.launched.size() == 1 && r.failLaunches.get() == 0
                && m.tunnel(up.id()).orElseThrow().nextAttempt().isPresent());
        assertThat(m.tunnel(up.id()).orElseThrow().state()).isInstanceOf(TunnelState.Recovering.class);

        m.retry(up.id()); // the next attempt was 30 s away

        await().atMost(Duration.ofSeconds(3)).until(() -> m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up);
        assertThat(r.launched).hasSize(2);
        assertThat(m.tunnel(up.id()).orElseThrow().metrics().reconnects()).isEqualTo(1);
        assertThatThrownBy(() -> m.retry(new io.netpilot.core.TunnelId("t0000000"))).isInstanceOf(io.netpilot.core.TunnelNotFoundException.class);
    }

    @Test
    void aRouterThatCannotBeReachedOpensItsBreakerAndTheStateSaysUntilWhen() {
        TunnelManager m = h.manager(Harness.FAST.withBackoff(Duration.ofMillis(40), Duration.ofSeconds(2), 0));
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        r.reboot();
        r.reachable = false;

        await().atMost(Duration.ofSeconds(5)).until(() -> m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.RouterUnreachable s
                && s.reason().orElse("").contains("circuit breaker"));
        TunnelSnapshot open = m.tunnel(up.id()).orElseThrow();
        assertThat(open.nextAttempt()).isPresent();
        int opens = r.opens.get();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> r.opens.get() == opens);

        r.reachable = true;

        await().atMost(Duration.ofSeconds(5)).until(() -> m.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up);
        assertThat(m.tunnel(up.id()).orElseThrow().nextAttempt()).isEmpty();
        assertThat(m.tunnel(up.id()).orElseThrow().port()).isEqualTo(up.port());
    }

    @Test
    void aDisconnectCancelsARepairInFlight() {
        TunnelManager m = h.manager(Harness.FAST.withProbing(Duration.ofMillis(30), Duration.ofSeconds(10), 2)
                .withConnectWait(Duration.ofSeconds(20), Duration.ofMillis(10)));
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        FakeWorld.FakeRouter r = h.world.router("r1.example");
        h.world.failAt = FakeWorld.Step.PROBE; // a relaunch then waits up to 10 s for its probe
        r.reboot();
        await().atMost(Duration.ofSeconds(5)).until(() -> r.launched.size() == 2); // the repair relaunched and now waits

        long start = System.nanoTime();
        m.disconnect(up.id());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the repair's wait was cut short").isLessThan(Duration.ofSeconds(8));
        assertThat(m.tunnel(up.id())).isEmpty();
        assertThat(r.aliveSups()).isEmpty();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> r.launched.size() == 2);
    }

    @Test
    void probesFeedTheMetrics() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        List<io.netpilot.core.TunnelEvent.Metrics> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        m.subscribe(e -> {
            if (e instanceof io.netpilot.core.TunnelEvent.Metrics x) {
                events.add(x);
            }
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> events.size() >= 3);
        io.netpilot.core.TunnelMetrics metrics = m.tunnel(up.id()).orElseThrow().metrics();
        assertThat(metrics.rttLast()).isPresent();
        assertThat(metrics.rttMin().orElseThrow()).isLessThanOrEqualTo(metrics.rttLast().orElseThrow());
        assertThat(metrics.probesInWindow()).isPositive();
        assertThat(metrics.loss()).isZero();
        assertThat(metrics.upSince()).isPresent();
        assertThat(events.get(events.size() - 1).metrics().probesInWindow()).isPositive();
    }

    @Test
    void closeLeavesRouterProcessesRunning() {
        TunnelManager m = h.manager();
        m.connect(h.request("r1.example"));

        m.close();

        assertThat(h.world.router("r1.example").aliveSups()).hasSize(1);
        assertThat(h.store.tunnels()).hasSize(1);
    }
}
