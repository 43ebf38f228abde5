package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.RouterId;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelManagers;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The manager's side of issue 8 over the fakes: a revocation the relay refuses is never reported as
 * done and is finished later; a sweep removes only this agent's leftovers; leases belong to (agent,
 * router host key); a port that answers with another router's key is not UP.
 */
class RelaySafetyTest {
    private final Harness h = new Harness();

    @AfterEach
    void closeManagers() {
        h.close();
    }

    @Test
    void aRevocationTheRelayRefusesFailsTheDisconnectStaysPendingAndTheNextStartFinishesIt() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        int port = up.port().orElseThrow();
        CleanupToken token = h.store.tunnel(up.id()).orElseThrow().token().orElseThrow();
        h.world.relay.revokeFailure = "flock: lock is held by a socket a router made (test)";

        CleanupReport report = m.disconnect(up.id());

        assertThat(report.complete()).as("a disconnect that left the relay authorization is not done").isFalse();
        assertThat(report.entries().getFirst().error()).hasValueSatisfying(e -> assertThat(e)
                .contains("could not be revoked").contains("lock is held").contains("retried"));
        assertThat(h.store.tunnel(up.id())).as("the tunnel is no longer wanted").isEmpty();
        assertThat(h.store.pendingRevocations()).extracting(PendingRevocation::token).containsExactly(token);
        assertThat(h.world.relay.authorized).containsKey(token);
        assertThat(h.world.relay.owners).as("the lease stays while the revocation is pending").containsKey(port);
        m.close();

        h.world.relay.revokeFailure = null;
        TunnelManager next = h.manager();
        next.restore();

        assertThat(h.store.pendingRevocations()).isEmpty();
        assertThat(h.world.relay.authorized).doesNotContainKey(token);
        assertThat(h.world.relay.owners).doesNotContainKey(port);
        assertThat(h.store.portLeases()).noneMatch(l -> l.port() == port);
    }

    @Test
    void cleanupFinishesAPendingRevocation() {
        TunnelManager m = h.manager();
        TunnelSnapshot keep = m.connect(h.request("r1.example"));
        TunnelSnapshot gone = m.connect(h.request("r2.example"));
        h.world.relay.revokeFailure = "relay edit failed (test)";
        assertThat(m.disconnect(gone.id()).complete()).isFalse();
        h.world.relay.revokeFailure = null;

        m.cleanup(Duration.ofSeconds(5));

        assertThat(h.store.pendingRevocations()).isEmpty();
        assertThat(h.world.relay.owners).containsOnlyKeys(keep.port().orElseThrow());
    }

    @Test
    void theSweepAtStartClearsWhatACrashedAgentLeftAndLeavesAnotherAgentsAlone() {
        TunnelManager m = h.manager();
        TunnelSnapshot wanted = m.connect(h.request("r1.example"));
        TunnelSnapshot crashed = m.connect(h.request("r2.example"));
        CleanupToken crashedToken = h.store.tunnel(crashed.id()).orElseThrow().token().orElseThrow();
        m.close();
        h.store.removeTunnel(crashed.id()); // the agent died before it saved this tunnel: line and lease are orphans
        AgentId other = AgentId.of("SHA256:another-agent");
        RouterId othersRouter = RouterId.of(h.world.router("r9.example").address);
        CleanupToken othersToken = CleanupToken.generate(othersRouter, 20009, new SplittableRandom(9));
        synchronized (h.world) {
            h.world.relay.authorized.put(othersToken, "ssh-ed25519 AAAAother");
            h.world.relay.tags.put(othersToken, other);
            h.world.relay.leases.put(20009, othersRouter);
            h.world.relay.owners.put(20009, new LeaseOwner(other, othersRouter,
                    HostKeyFingerprint.ofPublicKey(FakeWorld.fakeKey("r9"))));
        }

        h.manager().restore();

        assertThat(h.world.relay.authorized).doesNotContainKey(crashedToken).containsKey(othersToken)
                .containsKey(h.store.tunnel(wanted.id()).orElseThrow().token().orElseThrow());
        assertThat(h.world.relay.owners).containsOnlyKeys(wanted.port().orElseThrow(), 20009);
    }

    @Test
    void twoRoutersAtOneAddressBehindTwoAgentsGetTwoPortsAndASwappedRouterIsNotUp() {
        // probed only when woken, so the test decides when the first agent looks
        TunnelManager first = h.manager(Harness.FAST.withProbing(Duration.ofHours(1), Duration.ofMillis(200), 2));
        TunnelSnapshot a = first.connect(h.request("r1.example"));
        int portA = a.port().orElseThrow();
        CleanupToken tokenA = h.store.tunnel(a.id()).orElseThrow().token().orElseThrow();
        FakeWorld.FakeRouter r1 = h.world.router("r1.example");
        HostKeyFingerprint keyA = HostKeyFingerprint.ofPublicKey(r1.hostKey());
        assertThat(h.store.tunnel(a.id()).orElseThrow().spec().router().pinnedHostKey()).as("known by its key").hasValue(keyA);
        synchronized (h.world) {
            h.world.relay.listeners.remove(portA); // its session drops for a moment: the port is free, its lease is not
        }

        // another customer's router at the same address, with its own key, behind a second agent
        r1.hostKey = FakeWorld.fakeKey("another router at r1.example");
        TunnelManager other = TunnelManagers.builder()
                .connector(h.world.connector).launcher(h.world.launcher).relayGateway(h.world.gateway)
                .portAllocator(h.world.allocator).probe(h.world.probe).processes(h.world.processes).store(new InMemoryStateStore())
                .clock(h.world.clock).settings(Harness.FAST).random(new SplittableRandom(7))
                .agentId(AgentId.of("SHA256:second-agent")).identityProbe(h.world.identityProbe).build();
        try {
            TunnelSnapshot b = other.connect(h.request("r1.example"));
            assertThat(b.port().orElseThrow()).as("the first router's lease is not handed to the second").isNotEqualTo(portA);
        } finally {
            other.close();
        }
        synchronized (h.world) {
            h.world.relay.listeners.put(portA, tokenA); // the first tunnel's session is back, now reaching the other router
        }

        // the first agent's next identity check (due after 5 minutes) sees the other key on its port
        h.world.clock.advance(Duration.ofMinutes(6));
        first.networkChanged();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            TunnelState s = first.tunnel(a.id()).orElseThrow().state();
            assertThat(s).isNotInstanceOf(TunnelState.Up.class);
            assertThat(s.reason()).hasValueSatisfying(why -> assertThat(why).contains("another router's host key").contains(keyA.value()));
        });
        assertThat(h.store.tunnel(a.id()).orElseThrow().state()).isNotInstanceOf(TunnelState.Up.class);
    }

    @Test
    void twoRoutersAtOneAddressBehindOneAgentGetTwoPorts() {
        TunnelManager m = h.manager(Harness.FAST.withProbing(Duration.ofHours(1), Duration.ofMillis(200), 2));
        TunnelSnapshot a = m.connect(h.request("r1.example"));
        int portA = a.port().orElseThrow();
        synchronized (h.world) {
            h.world.relay.listeners.remove(portA); // the first one's session drops: its port is free, its lease is not
        }
        h.world.router("r1.example").hostKey = FakeWorld.fakeKey("the router that replaced r1.example");

        TunnelSnapshot b = m.connect(h.request("r1.example", 2222));

        assertThat(b.port().orElseThrow()).isNotEqualTo(portA);
        assertThat(h.world.relay.owners.get(portA).routerKey()).isNotEqualTo(h.world.relay.owners.get(b.port().orElseThrow()).routerKey());
    }

    @Test
    void anAdoptionChecksTheRoutersKeyNotJustABanner() {
        TunnelManager m = h.manager();
        TunnelSnapshot up = m.connect(h.request("r1.example"));
        m.close();
        int checks = h.world.identityChecks.get();

        h.manager().restore();

        assertThat(h.world.identityChecks.get()).as("the adoption proved the router's key").isGreaterThan(checks);
        assertThat(h.world.router("r1.example").launched).as("adopted, not relaunched").hasSize(1);
        assertThat(h.store.tunnel(up.id()).orElseThrow().state()).isEqualTo(TunnelState.UP);
    }
}
