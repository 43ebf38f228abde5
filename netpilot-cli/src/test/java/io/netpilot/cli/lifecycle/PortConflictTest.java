package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's sticky relay port is taken by something else while the agent is down: restore brings
 * the tunnel up on another port of the range, says so in a PortChanged event and persists the new port.
 */
class PortConflictTest {
    @TempDir
    Path dir;

    @Test
    void aTakenStickyPortMovesTheTunnelAndPersistsTheNewPort() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            NetPilotHome home = rig.home("home");
            int oldPort;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                oldPort = a.manager().connect(rig.request(router)).port().orElseThrow();
                a.manager().cleanup(Duration.ofSeconds(10));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).until(() -> !rig.relay.isListening(oldPort));
            // Someone else listens on the relay's 127.0.0.1:oldPort and never speaks SSH.
            ServerSocket squatter = rig.closeLater(new ServerSocket(oldPort, 50, InetAddress.getLoopbackAddress()));
            assertThat(squatter.isBound()).isTrue();

            try (LifecycleRig.Agent b = rig.agent(home)) {
                List<TunnelEvent> events = new CopyOnWriteArrayList<>();
                b.manager().subscribe(events::add);
                List<TunnelSnapshot> restored = b.manager().restore();
                assertThat(restored).hasSize(1);
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(40)))
                        .until(() -> b.manager().tunnels().get(0).state().carriesTraffic()
                                && b.manager().tunnels().get(0).port().orElse(oldPort) != oldPort);
                int newPort = b.manager().tunnels().get(0).port().orElseThrow();
                assertThat(rig.range.contains(newPort)).isTrue();
                assertThat(LifecycleRig.carriesBanner(newPort)).isTrue();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).untilAsserted(() -> assertThat(events)
                        .filteredOn(TunnelEvent.PortChanged.class::isInstance)
                        .map(TunnelEvent.PortChanged.class::cast)
                        .anySatisfy(e -> {
                            assertThat(e.oldPort()).isEqualTo(oldPort);
                            assertThat(e.newPort()).isEqualTo(newPort);
                        }));
                assertThat(b.store().tunnels().get(0).port()).hasValue(newPort);
                assertThat(StateStores.open(home, Clock.systemUTC()).tunnels().get(0).port()).as("persisted on disk").hasValue(newPort);
                b.manager().cleanup(Duration.ofSeconds(10));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty());
        }
    }
}
