package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The promise end to end, on both router flavours: connect carries the router's banner through the
 * relay port; agent exit (cleanup + close) leaves no router process and no relay listener but keeps
 * the tunnel wanted; a new manager on the same home restores it on the same port.
 */
class FullLifecycleTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(EmbeddedRouter.Flavour.class)
    void connectCleanupRestoreOnTheSamePort(EmbeddedRouter.Flavour flavour) throws Exception {
        LifecycleRig.requireFlavour(flavour);
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(flavour);
            NetPilotHome home = rig.home("home");

            int port;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                TunnelSnapshot up = a.manager().connect(rig.request(router));
                assertThat(up.state()).isEqualTo(TunnelState.UP);
                port = up.port().orElseThrow();
                assertThat(rig.range.contains(port)).isTrue();
                assertThat(LifecycleRig.banner(port)).hasValueSatisfying(l -> assertThat(l).startsWith("SSH-2.0-"));
                assertThat(router.livePids()).isNotEmpty();

                CleanupReport report = a.manager().cleanup(Duration.ofSeconds(10));
                assertThat(report.complete()).as("cleanup report %s", report).isTrue();
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).untilAsserted(() ->
                    assertThat(router.livePids()).as("router processes after exit cleanup").isEmpty());
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> !rig.relay.isListening(port));
            assertThat(LifecycleRig.accepting(port)).as("nothing answers on the relay port").isFalse();
            List<TunnelRecord> wanted = StateStores.open(home, Clock.systemUTC()).tunnels();
            assertThat(wanted).as("still wanted after cleanup").hasSize(1);
            assertThat(wanted.get(0).port()).hasValue(port);

            try (LifecycleRig.Agent b = rig.agent(home)) {
                List<TunnelSnapshot> restored = b.manager().restore();
                assertThat(restored).hasSize(1);
                assertThat(restored.get(0).port()).hasValue(port);
                assertThat(restored.get(0).state().carriesTraffic()).as("restored state %s", restored.get(0).state()).isTrue();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> LifecycleRig.carriesBanner(port));
                b.manager().cleanup(Duration.ofSeconds(10));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty());
        }
    }
}
