package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three routers on one manager: disconnecting one leaves the other two carrying traffic, and the exit
 * cleanup stops all three in parallel (well below three times one router's stop).
 */
class MultipleTunnelsTest {
    @TempDir
    Path dir;

    @Test
    void disconnectOneKeepsTheOthersAndCleanupStopsAllInParallel() {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            List<EmbeddedRouter> routers = List.of(rig.router(EmbeddedRouter.Flavour.PROCPS),
                    rig.router(EmbeddedRouter.Flavour.PROCPS), rig.router(EmbeddedRouter.Flavour.PROCPS));
            NetPilotHome home = rig.home("home");
            LifecycleRig.Agent a = rig.agent(home);

            List<TunnelSnapshot> tunnels = new ArrayList<>();
            routers.forEach(r -> tunnels.add(a.manager().connect(rig.request(r))));
            List<Integer> ports = tunnels.stream().map(t -> t.port().orElseThrow()).toList();
            assertThat(ports).doesNotHaveDuplicates();
            ports.forEach(p -> assertThat(LifecycleRig.carriesBanner(p)).as("port %d", p).isTrue());

            long t0 = System.nanoTime();
            CleanupReport gone = a.manager().disconnect(tunnels.get(0).id());
            Duration oneStop = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(gone.complete()).as("disconnect report %s", gone).isTrue();
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> routers.get(0).livePids().isEmpty());
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> !LifecycleRig.accepting(ports.get(0)));
            assertThat(a.manager().tunnels()).extracting(TunnelSnapshot::id)
                    .containsExactlyInAnyOrder(tunnels.get(1).id(), tunnels.get(2).id());
            assertThat(LifecycleRig.carriesBanner(ports.get(1))).isTrue();
            assertThat(LifecycleRig.carriesBanner(ports.get(2))).isTrue();
            assertThat(routers.get(1).livePids()).isNotEmpty();
            assertThat(routers.get(2).livePids()).isNotEmpty();

            // Bring the first back, then stop all three at once.
            a.manager().connect(rig.request(routers.get(0)));
            long t1 = System.nanoTime();
            CleanupReport all = a.manager().cleanup(Duration.ofSeconds(20));
            Duration allStop = Duration.ofNanos(System.nanoTime() - t1);
            // The measurement goes to the test report (cli is the module allowed to print).
            System.err.printf("lifecycle timing: one router's stop %d ms, three routers' cleanup %d ms%n", oneStop.toMillis(), allStop.toMillis());
            assertThat(all.complete()).as("cleanup report %s", all).isTrue();
            assertThat(all.entries()).hasSize(3);
            routers.forEach(r -> await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> r.livePids().isEmpty()));
            // Sequential stops would take about 3x one stop; in parallel they overlap.
            assertThat(allStop).as("3 routers in %s ms vs one in %s ms", allStop.toMillis(), oneStop.toMillis())
                    .isLessThan(oneStop.multipliedBy(2));
        }
    }
}
