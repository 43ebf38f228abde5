package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 4's promise for a corrupt tunnel-state.json: the agent that starts next sets the file aside,
 * finds its tunnels on the routers of router-connections.json by token and takes back the one whose
 * launch plan is there (adopted: same supervisor, token and port, the banner still flows, back in a
 * freshly written tunnel-state.json), and stops the one whose plan is gone, printing a line for each.
 */
class RediscoverLostStateTest {
    private static final byte[] GARBAGE = "{\"schemaVersion\": 1, \"tunnels\": [ {\"spec\": 42, \u00ff garbage".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(EmbeddedRouter.Flavour.class)
    void theNextAgentAdoptsTheDescribedTunnelAndStopsTheOrphan(EmbeddedRouter.Flavour flavour) throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter kept = rig.router(flavour);
            EmbeddedRouter orphaned = rig.router(flavour);
            NetPilotHome home = rig.home("home");
            TunnelSnapshot keptTunnel;
            CleanupToken keptToken;
            CleanupToken orphanToken;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                keptTunnel = a.manager().connect(rig.request(kept));
                a.manager().connect(rig.request(orphaned));
                keptToken = tokenOf(a.store().tunnels(), kept);
                orphanToken = tokenOf(a.store().tunnels(), orphaned);
            }
            int port = keptToken.port();
            long supervisor = LifecycleRig.supervisorPid(kept, keptToken.value()).orElseThrow();
            assertThat(orphaned.livePids()).isNotEmpty();
            Files.delete(orphaned.workDir().resolve(orphanToken.value() + ".plan"));
            Files.write(home.tunnelStateFile(), GARBAGE);

            try (LifecycleRig.Restart start = LifecycleRig.restartPrinting(home)) {
                List<TunnelSnapshot> restored = start.tunnels();

                String printed = start.printed();
                assertThat(printed).contains("set aside");
                assertThat(printed).contains("rediscovered " + keptTunnel.id() + " on " + kept.address() + " port " + port + ": UP (adopted)");
                assertThat(printed).contains("stopped orphan " + orphanToken + " on " + orphaned.address());
                assertThat(restored).extracting(TunnelSnapshot::id).containsExactly(keptTunnel.id());
                assertThat(LifecycleRig.supervisorPid(kept, keptToken.value())).as("adopted, not relaunched").hasValue(supervisor);
                try (Stream<Path> files = Files.list(home.root())) {
                    assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("tunnel-state.json.corrupt-"));
                }
                List<TunnelRecord> persisted = StateStores.view(home).tunnels();
                assertThat(persisted).singleElement().satisfies(r -> {
                    assertThat(r.id()).isEqualTo(keptTunnel.id());
                    assertThat(r.token()).hasValue(keptToken);
                    assertThat(r.port()).hasValue(port);
                });
                assertThat(LifecycleRig.carriesBanner(port)).as("the banner still flows").isTrue();

                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).untilAsserted(() -> {
                    assertThat(orphaned.livePids()).isEmpty();
                    try (Stream<Path> files = Files.list(orphaned.workDir())) {
                        assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(orphanToken.value()));
                    }
                });
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !rig.relay.isListening(orphanToken.port()));
                start.netpilot().stopTunnels();
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).untilAsserted(() -> assertThat(kept.livePids()).isEmpty());
        }
    }

    private static CleanupToken tokenOf(List<TunnelRecord> records, EmbeddedRouter router) {
        return records.stream().filter(r -> r.spec().router().address().equals(router.address()))
                .findFirst().orElseThrow().token().orElseThrow();
    }
}
