package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.RediscoveryReport;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.RouterUnreachableException;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An earlier agent's tunnel runs on the router, but the state lost it: rediscover takes it back or stops it. */
class RediscoverTest {
    private final Harness h = new Harness();
    private FakeWorld.FakeRouter router;
    private TunnelSnapshot before;
    private CleanupToken token;

    @BeforeEach
    void aTunnelTheStateForgot() {
        router = h.world.router("r1.example");
        TunnelManager earlier = h.manager();
        before = earlier.connect(h.request("r1.example"));
        token = h.store.tunnel(before.id()).orElseThrow().token().orElseThrow();
        earlier.close();
        h.store.removeTunnel(before.id());
        h.events.clear();
    }

    @AfterEach
    void closeManagers() {
        h.close();
    }

    private RediscoveryReport rediscover(TunnelManager m) {
        return m.rediscover(RouterEndpoint.of(router.address), Credentials.AGENT_KEY);
    }

    @Test
    void aHealthyTunnelIsAdoptedAndWantedAgainWithItsTokenAndPort() {
        TunnelManager m = h.manager();
        assertThat(m.restore()).isEmpty();

        RediscoveryReport report = rediscover(m);

        assertThat(report.orphans()).isEmpty();
        assertThat(report.found()).singleElement().satisfies(f -> {
            assertThat(f.token()).isEqualTo(token);
            assertThat(f.adopted()).isTrue();
            assertThat(f.tunnel().id()).isEqualTo(before.id());
            assertThat(f.tunnel().state()).isEqualTo(TunnelState.UP);
            assertThat(f.tunnel().port()).isEqualTo(before.port());
        });
        TunnelRecord stored = h.store.tunnel(before.id()).orElseThrow();
        assertThat(stored.token()).hasValue(token);
        assertThat(stored.port()).isEqualTo(before.port());
        assertThat(stored.spec().relay().address()).isEqualTo(h.world.relay.address);
        assertThat(stored.spec().targetPort()).isEqualTo(22);
        assertThat(stored.spec().leaseTtl()).isEqualTo(h.request("r1.example").spec().leaseTtl());
        assertThat(router.launched).as("adopted, not relaunched").hasSize(1);
        // events reach listeners on their own threads
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(h.stateNames()).containsSubsequence("CONNECTING", "UP"));
        assertThat(m.tunnels()).extracting(TunnelSnapshot::id).containsExactly(before.id());
    }

    @Test
    void aDeadTunnelIsRelaunchedOnTheSamePortWithTheSameToken() {
        synchronized (h.world) {
            FakeWorld.Sup s = router.sups.get(token);
            s.alive = false;
            h.world.relay.listeners.remove(token.port(), token);
        }

        RediscoveryReport report = rediscover(h.manager());

        assertThat(report.found()).singleElement().satisfies(f -> {
            assertThat(f.adopted()).isFalse();
            assertThat(f.tunnel().state()).isEqualTo(TunnelState.UP);
            assertThat(f.tunnel().port()).isEqualTo(before.port());
        });
        assertThat(router.launched).containsExactly(token, token);
        assertThat(h.eventsOf(TunnelEvent.PortChanged.class)).isEmpty();
    }

    @Test
    void aTokenWithoutAPlanIsStoppedAsAnOrphan() {
        synchronized (h.world) {
            router.plans.remove(token);
        }

        RediscoveryReport report = rediscover(h.manager());

        assertThat(report.found()).isEmpty();
        assertThat(report.orphans()).singleElement().satisfies(o -> {
            assertThat(o.token()).isEqualTo(token);
            assertThat(o.stopped()).isNotEmpty();
            assertThat(o.error()).isEmpty();
        });
        assertThat(router.aliveSups()).isEmpty();
        assertThat(router.files).doesNotContain(token);
        assertThat(h.store.tunnels()).isEmpty();
    }

    @Test
    void aTokenAlreadyWantedIsLeftToRestore() {
        TunnelManager m = h.manager();
        m.rediscover(RouterEndpoint.of(router.address), Credentials.AGENT_KEY);
        int launches = router.launched.size();

        RediscoveryReport again = rediscover(m);

        assertThat(again.found()).isEmpty();
        assertThat(again.orphans()).isEmpty();
        assertThat(router.launched).hasSize(launches);
        assertThat(router.aliveSups()).hasSize(1);
    }

    @Test
    void aSecondTokenForAWantedTunnelIsStoppedAsADuplicate() {
        TunnelManager m = h.manager();
        rediscover(m);
        CleanupToken stray = new CleanupToken("np_" + token.routerShortId() + "_" + token.port() + "_zzzzzz");
        synchronized (h.world) {
            FakeWorld.Sup original = router.sups.get(token);
            FakeWorld.Sup dup = new FakeWorld.Sup(stray, h.world.pids.getAndAdd(2), original.plan, original.leaseExpiry);
            router.sups.put(stray, dup);
            router.files.add(stray);
            router.plans.put(stray, new io.netpilot.core.spi.LaunchPlan(stray, original.plan.forward(), original.plan.relay(),
                    original.plan.relayHostKey(), original.plan.leaseTtl()));
        }

        RediscoveryReport report = rediscover(m);

        assertThat(report.found()).isEmpty();
        assertThat(report.orphans()).singleElement().satisfies(o -> assertThat(o.token()).isEqualTo(stray));
        assertThat(router.files).containsExactly(token);
        assertThat(h.store.tunnel(before.id()).orElseThrow().token()).hasValue(token);
    }

    @Test
    void aTokenOfAnotherAddressOfTheRouterIsLeftAlone() {
        CleanupToken foreign = new CleanupToken("np_00000000_" + token.port() + "_zzzzzz");
        synchronized (h.world) {
            FakeWorld.Sup original = router.sups.get(token);
            router.sups.put(foreign, new FakeWorld.Sup(foreign, h.world.pids.getAndAdd(2), original.plan, original.leaseExpiry));
            router.files.add(foreign);
        }

        RediscoveryReport report = rediscover(h.manager());

        assertThat(report.orphans()).singleElement().satisfies(o -> {
            assertThat(o.token()).isEqualTo(foreign);
            assertThat(o.stopped()).isEmpty();
            assertThat(o.error()).hasValueSatisfying(e -> assertThat(e).contains("left alone"));
        });
        assertThat(router.files).contains(foreign);
        assertThat(router.aliveSups()).extracting(s -> s.token).contains(foreign);
        assertThat(report.found()).extracting(RediscoveryReport.Found::token).containsExactly(token);
    }

    @Test
    void anUnreachableRouterFailsAndChangesNothing() {
        router.reachable = false;

        assertThatThrownBy(() -> rediscover(h.manager())).isInstanceOf(RouterUnreachableException.class);
        assertThat(h.store.tunnels()).isEmpty();
    }
}
