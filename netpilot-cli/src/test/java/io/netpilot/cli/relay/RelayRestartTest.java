package io.netpilot.cli.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.OpenSshRelay;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's "the relay's SSH server restarted", on the real thing: the documented two-account OpenSSH
 * relay killed as a reboot or crash kills it (sshd and every session, SIGKILL) and started again, with a
 * dropbear router whose only client is dbclient. The router's supervisor reconnects by itself and the
 * agent logs in to the relay again: the tunnel leaves UP, comes back on its port carrying the router's
 * SSH, nothing is relaunched, and the relay keeps exactly its one key line and lease.
 */
class RelayRestartTest {
    @TempDir
    Path dir;

    @Test
    void aRelayRestartedLikeARebootEndsEverySessionAndTheTunnelComesBackOnItsPort() throws Exception {
        try (OpenSshRelay relay = OpenSshRelay.start(dir.resolve("relay"));
                RelayAgent agent = RelayAgent.start(dir.resolve("home"), relay);
                DbclientRouter router = DbclientRouter.start(dir.resolve("router"), DbclientRouter.freePort(), agent.publicKeyLine())) {
            TunnelSnapshot up = agent.manager.connect(RelayAgent.request(router, relay, RelayAgent.ports(3)));
            int port = up.port().orElseThrow();
            CleanupToken token = agent.state().tunnel(up.id()).orElseThrow().token().orElseThrow();
            String supervisor = router.supervisorPid(token.value()).orElseThrow();
            List<TunnelState> states = new CopyOnWriteArrayList<>();
            Subscription subscription = agent.manager.subscribe(e -> {
                if (e instanceof TunnelEvent.StateChanged c) {
                    states.add(c.to());
                }
            });
            try {
                long restarted = System.nanoTime();
                relay.restart();

                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).pollInterval(Duration.ofMillis(50))
                        .until(() -> !(agent.manager.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up));
                long noticed = System.nanoTime();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(50))
                        .until(() -> agent.manager.tunnel(up.id()).orElseThrow().state() instanceof TunnelState.Up);
                long back = System.nanoTime();

                assertThat(Loopback.sshBanner(port, Duration.ofSeconds(5))).as("the port carries the router's SSH again")
                        .hasValueSatisfying(b -> assertThat(b).contains("dropbear"));
                assertThat(agent.manager.tunnel(up.id()).orElseThrow().port()).hasValue(port);
                assertThat(router.supervisorPid(token.value())).as("its supervisor reconnected; nothing relaunched").hasValue(supervisor);
                assertThat(Files.readAllLines(relay.keysFile()).stream().filter(l -> l.contains("np:" + token)).count())
                        .as("one key line on the relay").isEqualTo(1);
                assertThat(Files.exists(relay.agentHome.resolve(".netpilot-relay/leases/" + port))).as("its lease kept").isTrue();
                assertThat(states).as("left UP, then came back").last().isInstanceOf(TunnelState.Up.class);
                assertThat(states.getFirst()).isNotInstanceOf(TunnelState.Up.class);
                System.out.printf("relay restart (OpenSSH, dbclient router): noticed in %d ms, UP %d ms after the restart; states %s%n",
                        Duration.ofNanos(noticed - restarted).toMillis(), Duration.ofNanos(back - restarted).toMillis(),
                        states.stream().map(TunnelState::name).toList());
            } finally {
                subscription.close();
            }

            CleanupReport gone = agent.manager.disconnect(up.id());
            assertThat(gone.complete()).as("disconnect after the restart: %s", gone).isTrue();
            assertThat(Files.readString(relay.keysFile())).doesNotContain("np:");
            assertThat(router.supervisorPid(token.value())).isEmpty();
        }
    }
}
