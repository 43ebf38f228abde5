package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.FaultyLink;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three routers on one manager: disconnecting one leaves the other two carrying traffic, and the exit
 * cleanup stops the routers in parallel: a router that does not answer (its link to the agent
 * blackholed) is reported late at the cleanup's bound while the two others are stopped anyway, though
 * the hung one is the first the cleanup takes up.
 */
class MultipleTunnelsTest {
    @TempDir
    Path dir;

    @Test
    void disconnectOneKeepsTheOthersAndCleanupStopsAllInParallel() {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            List<EmbeddedRouter> routers = rig.routers(3, EmbeddedRouter.Flavour.PROCPS);
            // the agent reaches each router through a link of its own, which the test can blackhole
            List<FaultyLink> links = routers.stream().map(r -> rig.closeLater(FaultyLink.between(0, "127.0.0.1", r.port()))).toList();
            NetPilotHome home = rig.home("home");
            LifecycleRig.Agent a = rig.agent(home);
            IntFunction<ConnectRequest> request = i -> rig.request(routers.get(i),
                    new SshAddress(routers.get(i).address().user(), "127.0.0.1", links.get(i).port()), Duration.ofSeconds(30));

            List<TunnelSnapshot> tunnels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tunnels.add(a.manager().connect(request.apply(i)));
            }
            List<Integer> ports = tunnels.stream().map(t -> t.port().orElseThrow()).toList();
            assertThat(ports).doesNotHaveDuplicates();
            ports.forEach(p -> assertThat(LifecycleRig.carriesBanner(p)).as("port %d", p).isTrue());

            CleanupReport gone = a.manager().disconnect(tunnels.get(0).id());
            assertThat(gone.complete()).as("disconnect report %s", gone).isTrue();
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> routers.get(0).livePids().isEmpty());
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> !LifecycleRig.accepting(ports.get(0)));
            assertThat(a.manager().tunnels()).extracting(TunnelSnapshot::id)
                    .containsExactlyInAnyOrder(tunnels.get(1).id(), tunnels.get(2).id());
            assertThat(LifecycleRig.carriesBanner(ports.get(1))).isTrue();
            assertThat(LifecycleRig.carriesBanner(ports.get(2))).isTrue();
            assertThat(routers.get(1).livePids()).isNotEmpty();
            assertThat(routers.get(2).livePids()).isNotEmpty();

            // Bring the first back; the router the cleanup takes up first (the first wanted in the state) stops answering.
            a.manager().connect(request.apply(0));
            TunnelId first = a.store().tunnels().getFirst().id();
            int hung = tunnels.stream().map(TunnelSnapshot::id).toList().indexOf(first);
            links.get(hung).blackhole();
            CleanupReport late = a.manager().cleanup(Duration.ofSeconds(3));

            assertThat(late.entries()).hasSize(3);
            for (CleanupReport.Entry e : late.entries()) {
                if (e.tunnel().orElseThrow().equals(first)) {
                    assertThat(e.error()).as("the hung router").hasValueSatisfying(why -> assertThat(why).contains("did not answer"));
                } else {
                    assertThat(e.error()).as("%s, stopped while the first hung", e).isEmpty();
                    assertThat(e.survivors()).isEmpty();
                }
            }
            for (int i = 0; i < 3; i++) {
                if (i != hung) {
                    assertThat(routers.get(i).livePids()).as("router %d stopped", i).isEmpty();
                }
            }
            assertThat(routers.get(hung).livePids()).as("the hung router's tunnel runs on, left to its lease").isNotEmpty();

            // The link heals: a second cleanup stops it too.
            links.get(hung).heal();
            CleanupReport all = a.manager().cleanup(Duration.ofSeconds(20));
            assertThat(all.entries()).filteredOn(e -> e.tunnel().orElseThrow().equals(first)).singleElement()
                    .satisfies(e -> assertThat(e.error()).isEmpty());
            routers.forEach(r -> await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> r.livePids().isEmpty()));
        }
    }
}
