package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay session pool over the fake world's hosts: one login per relay login, however many tunnels ask. */
class RelaySessionsTest {
    private final FakeWorld world = new FakeWorld();
    private final AtomicInteger logins = new AtomicInteger();
    private final ShellConnector counting = (address, credentials, policy) -> {
        logins.incrementAndGet();
        return world.connector.open(address, credentials, policy);
    };
    private final RelaySessions relays = new RelaySessions(counting);
    private final RelaySessions.Login relay = new RelaySessions.Login(world.relay.address, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);

    @AfterEach
    void close() {
        world.relay.hang = null;
        relays.close();
    }

    @Test
    void tunnelsAskingAtOnceWhileTheLoginRunsShareThatOneLogin() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        world.relay.hang = hang;
        List<CompletableFuture<RemoteShell>> asked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RelaySessions.Hold hold = relays.hold(relay);
            asked.add(CompletableFuture.supplyAsync(hold::session, r -> Thread.ofVirtual().start(r)));
        }
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> logins.get() == 1);

        hang.countDown();

        List<RemoteShell> got = new ArrayList<>();
        for (CompletableFuture<RemoteShell> f : asked) {
            got.add(f.get());
        }
        assertThat(got).allSatisfy(s -> assertThat(s).isSameAs(got.getFirst()));
        assertThat(logins.get()).isEqualTo(1);
        assertThat(world.relay.openSessions()).isEqualTo(1);
    }

    @Test
    void aFailedLoginFailsItsWaitersAndTheNextAskLogsInAgain() {
        world.relay.reachable = false;
        RelaySessions.Hold a = relays.hold(relay);
        RelaySessions.Hold b = relays.hold(relay);
        assertThatThrownBy(a::session).isInstanceOf(HostUnreachableException.class);

        world.relay.reachable = true;

        assertThat(b.session()).isSameAs(a.session());
        assertThat(logins.get()).isEqualTo(2);
    }

    @Test
    void aRelayWhoseLoginHangsHoldsUpNoTunnelOfAnotherRelay() throws Exception {
        FakeWorld.FakeRouter other = world.router("relay-b.example"); // any fake host can play a relay
        world.relay.hang = new CountDownLatch(1);
        RelaySessions.Hold hung = relays.hold(relay);
        CompletableFuture<RemoteShell> waiting = CompletableFuture.supplyAsync(hung::session, r -> Thread.ofVirtual().start(r));
        await().atMost(Duration.ofSeconds(2)).until(() -> logins.get() == 1);

        RemoteShell b = relays.hold(new RelaySessions.Login(other.address, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW)).session();

        assertThat(b.isOpen()).isTrue();
        assertThat(waiting).isNotDone();
        world.relay.hang.countDown();
        assertThat(waiting.get().isOpen()).isTrue();
    }

    @Test
    void anotherAddressKeyOrHostKeyPolicyIsAnotherSession() {
        SshAddress other = world.router("relay-b.example").address;
        List<RelaySessions.Login> distinct = List.of(relay,
                new RelaySessions.Login(other, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW),
                new RelaySessions.Login(relay.address(), new Credentials.KeyFile(Path.of("/keys/other")), HostKeyPolicy.ACCEPT_NEW),
                new RelaySessions.Login(relay.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY));
        List<RemoteShell> sessions = distinct.stream().map(l -> relays.hold(l).session()).toList();

        assertThat(sessions).doesNotHaveDuplicates();
        assertThat(relays.hold(relay).session()).as("the same login again").isSameAs(sessions.getFirst());
        assertThat(logins.get()).isEqualTo(4);
    }

    @Test
    void aDeadSessionIsDroppedOnceHoweverManyTunnelsNoticeIt() {
        List<RelaySessions.Hold> holds = List.of(relays.hold(relay), relays.hold(relay), relays.hold(relay));
        RemoteShell first = holds.getFirst().session();
        holds.forEach(RelaySessions.Hold::session);

        holds.get(0).drop();
        RemoteShell second = holds.get(1).session();
        holds.get(2).drop(); // it noticed the first one late: the second stays

        assertThat(first.isOpen()).isFalse();
        assertThat(second).isNotSameAs(first);
        assertThat(second.isOpen()).isTrue();
        assertThat(holds.get(2).session()).isSameAs(second);
        assertThat(logins.get()).isEqualTo(2);
    }

    @Test
    void theLastTunnelToLetGoClosesItAndCloseClosesEveryOne() {
        RelaySessions.Hold a = relays.hold(relay);
        RelaySessions.Hold b = relays.hold(relay);
        RemoteShell shared = a.session();
        b.session();
        RemoteShell pinned = relays.hold(new RelaySessions.Login(relay.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY))
                .session();

        a.release();
        a.release(); // twice is once
        assertThat(shared.isOpen()).isTrue();
        b.release();
        assertThat(shared.isOpen()).isFalse();
        assertThat(relays.hold(relay).session()).as("a new holder logs in again").isNotSameAs(shared);

        relays.close();

        assertThat(pinned.isOpen()).isFalse();
        assertThat(world.relay.openSessions()).isZero();
        assertThatThrownBy(() -> relays.hold(relay).session()).isInstanceOf(NetPilotException.class).hasMessageContaining("stopping");
    }

    @Test
    void aLoginThatLandsAfterTheLastTunnelLetGoIsClosed() throws Exception {
        world.relay.hang = new CountDownLatch(1);
        RelaySessions.Hold a = relays.hold(relay);
        CompletableFuture<RemoteShell> waiting = CompletableFuture.supplyAsync(a.opening()::join, r -> Thread.ofVirtual().start(r));
        a.release();

        world.relay.hang.countDown();

        assertThat(waiting).failsWithin(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(2)).until(() -> world.relay.sessions.size() == 1);
        assertThat(world.relay.openSessions()).isZero();
    }
}
