package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router left with a previous manager's tunnel (closed without cleanup) and a legacy token-less
 * {@code autossh -M 0 -N -R PORT:...}: a manager on an empty home (only the router's host key
 * pinned) stops both with forceCleanup on that port.
 */
class ForceCleanupEmptyHomeTest {
    @TempDir
    Path dir;

    @Test
    void forceCleanupStopsALeftTunnelAndALegacyAutossh() throws Exception {
        Binaries.require("autossh");
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            NetPilotHome previous = rig.home("previous");
            NetPilotHome empty = rig.home("empty");
            int port;
            try (LifecycleRig.Agent a = rig.agent(previous)) {
                port = a.manager().connect(rig.request(router)).port().orElseThrow();
            }
            Set<Long> tunnelPids = router.livePids();
            assertThat(tunnelPids).as("the tunnel outlives its closed manager").isNotEmpty();

            // A fake ssh for the legacy autossh: it only needs to run, with autossh's -R in autossh's own arguments.
            Path fakeSsh = dir.resolve("fake-ssh");
            Files.writeString(fakeSsh, "#!/bin/sh\nwhile :; do sleep 1; done\n");
            Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwx------"));

            try (LifecycleRig.Agent b = rig.agent(empty)) {
                try (RemoteShell shell = b.transport().open(router.address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW)) {
                    CommandResult started = shell.exec("AUTOSSH_GATETIME=0 AUTOSSH_PATH='" + fakeSsh + "' setsid autossh -M 0 -N -R "
                            + port + ":127.0.0.1:22 nobody@127.0.0.1 </dev/null >/dev/null 2>&1 & echo started", Duration.ofSeconds(10));
                    assertThat(started.stdout()).contains("started");
                }
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).until(() -> router.livePids().size() > tunnelPids.size());
                assertThat(b.manager().tunnels()).as("the home knows nothing").isEmpty();

                CleanupReport report = b.manager().forceCleanup(RouterEndpoint.of(router.address()), Credentials.AGENT_KEY, OptionalInt.of(port));
                assertThat(report.complete()).as("report %s", report).isTrue();
                assertThat(report.entries()).flatMap(CleanupReport.Entry::stopped).isNotEmpty();
                assertThat(report.entries()).flatMap(CleanupReport.Entry::stopped)
                        .anySatisfy(p -> assertThat(p.commandLine()).contains("autossh"));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).untilAsserted(() ->
                    assertThat(router.livePids()).as("nothing left on the router").isEmpty());
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !rig.relay.isListening(port));
        }
    }
}
