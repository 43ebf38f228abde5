package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router reboots while the agent is down (after a clean exit, or after the agent vanished with
 * its tunnel still up): its work dir is gone, so restore cannot adopt and relaunches, on the same port.
 */
class RouterRebootTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "agent exit cleaned up first: {0}")
    @ValueSource(booleans = {true, false})
    void restoreRelaunchesOnTheSamePortAfterAReboot(boolean cleanedUp) {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            NetPilotHome home = rig.home("home");
            int port;
            String oldToken;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                port = a.manager().connect(rig.request(router)).port().orElseThrow();
                oldToken = a.store().tunnels().get(0).token().orElseThrow().value();
                if (cleanedUp) {
                    a.manager().cleanup(Duration.ofSeconds(10));
                }
            }
            if (!cleanedUp) {
                assertThat(router.livePids()).as("the tunnel outlives a closed manager").isNotEmpty();
                assertThat(LifecycleRig.carriesBanner(port)).isTrue();
            }
            router.reboot();
            assertThat(router.livePids()).isEmpty();
            assertThat(Files.exists(router.workDir().resolve(oldToken + ".pid"))).isFalse();
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !rig.relay.isListening(port));

            try (LifecycleRig.Agent b = rig.agent(home)) {
                List<TunnelSnapshot> restored = b.manager().restore();
                assertThat(restored).hasSize(1);
                assertThat(restored.get(0).port()).hasValue(port);
                assertThat(restored.get(0).state().carriesTraffic()).as("state %s", restored.get(0).state()).isTrue();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> LifecycleRig.carriesBanner(port));
                String token = b.store().tunnels().get(0).token().orElseThrow().value();
                assertThat(LifecycleRig.supervisorPid(router, token)).as("a supervisor was relaunched").isPresent();
                b.manager().cleanup(Duration.ofSeconds(10));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty());
        }
    }
}
