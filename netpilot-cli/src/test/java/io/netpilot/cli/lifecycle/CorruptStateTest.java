package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.StateFile;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tunnel-state.json turns to garbage while its tunnel runs on the router: the next store sets the file
 * aside byte for byte and names it in problems(); the router's token is still discoverable, and
 * cleaning it by force leaves nothing running.
 */
class CorruptStateTest {
    private static final byte[] GARBAGE = "{\"schemaVersion\": 1, \"tunnels\": [ {\"spec\": 42, \u00ff garbage".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void corruptStateIsQuarantinedAndTheRouterTokenStillCleansUp() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            NetPilotHome home = rig.home("home");
            CleanupToken token;
            int port;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                port = a.manager().connect(rig.request(router)).port().orElseThrow();
                token = a.store().tunnels().get(0).token().orElseThrow();
            }
            assertThat(router.livePids()).isNotEmpty();
            Files.write(home.tunnelStateFile(), GARBAGE);

            try (LifecycleRig.Agent b = rig.agent(home)) {
                List<Path> quarantined;
                try (Stream<Path> files = Files.list(home.root())) {
                    quarantined = files.filter(f -> f.getFileName().toString().startsWith("tunnel-state.json.corrupt-")).toList();
                }
                assertThat(quarantined).hasSize(1);
                assertThat(Files.readAllBytes(quarantined.get(0))).as("the original bytes, set aside").isEqualTo(GARBAGE);
                assertThat(b.problems()).anySatisfy(p -> assertThat(p.file()).isEqualTo(StateFile.TUNNELS));
                assertThat(b.store().tunnels()).isEmpty();
                assertThat(b.manager().restore()).as("nothing is wanted any more").isEmpty();
                assertThat(router.livePids()).as("restore of an empty state does not touch the router").isNotEmpty();

                try (RemoteShell shell = b.transport().open(router.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
                    assertThat(b.launcher().tokens(shell)).as("the router still names the tunnel").containsExactly(token);
                }
                CleanupReport report = b.manager().forceCleanup(RouterEndpoint.of(router.address()), Credentials.AGENT_KEY, OptionalInt.empty());
                assertThat(report.complete()).as("report %s", report).isTrue();
                assertThat(report.entries()).flatMap(CleanupReport.Entry::stopped).isNotEmpty();
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).untilAsserted(() -> assertThat(router.livePids()).isEmpty());
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !rig.relay.isListening(port));
        }
    }
}
