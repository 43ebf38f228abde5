package io.netpilot.state.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.PortRange;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed requests and replies carry core's values both ways, failures keep their kind, events stream. */
class ControlChannelTest {
    @TempDir
    Path dir;

    private final FakeAgent agent = new FakeAgent();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ControlServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Agent attach() {
        server = ControlServer.start(dir.resolve("agent.sock"), agent, stopped::countDown, ControlServer.Limits.DEFAULTS);
        return ControlClient.attach(dir.resolve("agent.sock")).orElseThrow();
    }

    @Test
    void connectStatusAndDisconnectGoThroughWithTheirValuesIntact() {
        Agent remote = attach();
        assertThat(remote.attached()).isTrue();
        ConnectRequest request = ConnectRequest.of("root@192.168.1.1:2222", "tunnel@relay.example.com")
                .withPortRange(new PortRange(22000, 22099)).withPort(22042).withLeaseTtl(Duration.ofMinutes(5))
                .withTunnelUser("routers").withRelayKey(dir.resolve("relay_key")).acceptingNewHostKeys();

        TunnelSnapshot up = remote.connect(request);

        assertThat(agent.connects).containsExactly(request);
        assertThat(up).isEqualTo(agent.tunnels.get(request.spec().id()));
        assertThat(remote.tunnels()).containsExactly(up);
        remote.retry(up.id());
        assertThat(agent.retries).containsExactly(up.id());
        CleanupReport report = remote.disconnect(up.id());
        assertThat(report.complete()).isTrue();
        assertThat(report.entries()).singleElement().satisfies(e -> {
            assertThat(e.tunnel()).contains(up.id());
            assertThat(e.stopped()).extracting(p -> p.pid()).containsExactly(4242);
        });
        assertThat(remote.tunnels()).isEmpty();
    }

    @Test
    void failuresKeepTheirKindAndTheAgentGoesOn() {
        Agent remote = attach();
        assertThatThrownBy(() -> remote.disconnect(new TunnelId("t0123abcd")))
                .isInstanceOf(TunnelNotFoundException.class).hasMessageContaining("t0123abcd");
        assertThatThrownBy(() -> remote.retry(new TunnelId("t0123abcd")))
                .isInstanceOf(TunnelNotFoundException.class).hasMessageContaining("t0123abcd");
        assertThatThrownBy(() -> remote.connect(ConnectRequest.of("root@10.0.0.1", "t@relay").withRouterKey(Path.of("/bad/key"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/bad/key");
        ConnectRequest withPassword = ConnectRequest.of("root@10.0.0.1", "t@relay");
        ConnectRequest sent = new ConnectRequest(withPassword.spec(), new Credentials.Password("secret".toCharArray()),
                withPassword.relayCredentials(), withPassword.hostKeyPolicy());
        int before = agent.calls.get();
        assertThatThrownBy(() -> remote.connect(sent)).isInstanceOf(InvalidInputException.class).hasMessageContaining("password");
        assertThat(agent.calls).as("a password never leaves this process").hasValue(before);
        assertThat(remote.tunnels()).isEmpty();
    }

    @Test
    void aSubscriberReceivesTheAgentsEventsUntilItUnsubscribes() {
        Agent remote = attach();
        List<TunnelEvent> seen = new CopyOnWriteArrayList<>();
        Subscription subscription = remote.subscribe(seen::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> !agent.listeners.isEmpty());
        TunnelId id = new TunnelId("t0123abcd");
        TunnelEvent change = new TunnelEvent.StateChanged(id, FakeAgent.T0, new TunnelState.Degraded("slow"), new TunnelState.Up());
        TunnelEvent moved = new TunnelEvent.PortChanged(id, FakeAgent.T0, 20001, 20002, "port lost");
        TunnelEvent rtt = new TunnelEvent.Metrics(id, FakeAgent.T0, 20002, Duration.ofMillis(7));
        TunnelEvent error = new TunnelEvent.Error(id, FakeAgent.T0, "lease renewal failed");

        List.of(change, moved, rtt, error).forEach(agent::emit);

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
        assertThat(seen).containsExactly(change, moved, rtt, error);
        subscription.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.listeners.isEmpty());
        subscription.close(); // twice is fine
    }

    @Test
    void aStopRequestReachesTheAgentAndNothingAnswersWhenTheServerIsClosed() throws InterruptedException {
        attach();
        assertThat(ControlClient.requestStop(dir.resolve("agent.sock"))).isTrue();
        stopped.await();
        server.close();
        assertThat(ControlClient.attach(dir.resolve("agent.sock"))).isEmpty();
        assertThat(ControlClient.requestStop(dir.resolve("agent.sock"))).isFalse();
    }
}
