package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which client the router runs, seen in the router's own {@code ps}: autossh when the router has it
 * (AUTO), the plain client loop when told so. A missing client binary skips outside CI and fails with
 * CI=true ({@link Binaries#require}).
 */
class ClientChoiceTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} router, {1} client")
    @CsvSource({"PROCPS, AUTO", "PROCPS, SSH", "BUSYBOX, AUTO", "BUSYBOX, DBCLIENT"})
    void theRouterRunsTheChosenClient(EmbeddedRouter.Flavour flavour, ClientKind client) {
        Binaries.require("ssh");
        switch (client) {
            case AUTO, AUTOSSH -> Binaries.require("autossh");
            case DBCLIENT -> Binaries.require("dbclient");
            case SSH -> { }
        }
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(flavour);
            NetPilotHome home = rig.home("home");
            try (LifecycleRig.Agent a = rig.agent(home, client, LifecycleRig.FAST)) {
                int port = a.manager().connect(rig.request(router)).port().orElseThrow();
                assertThat(LifecycleRig.carriesBanner(port)).isTrue();
                String token = a.store().tunnels().get(0).token().orElseThrow().value();

                List<String> lines;
                try (RemoteShell shell = a.transport().open(router.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
                    String ps = shell.exec("ps -eo pid,args", Duration.ofSeconds(10)).orThrow("ps on the router").stdout();
                    lines = Arrays.stream(ps.split("\n")).filter(l -> l.contains(token)).toList();
                }
                List<String> clients = lines.stream().filter(l -> !l.contains("netpilot-tunnel-v1.sh")).toList();
                switch (client) {
                    case AUTO, AUTOSSH -> {
                        assertThat(clients).as("ps lines with the token: %s", lines).anySatisfy(l -> assertThat(l).contains("autossh"));
                        assertThat(clients).anySatisfy(l -> assertThat(l).containsPattern("\\bssh .*-R 127\\.0\\.0\\.1:" + port + ":"));
                    }
                    case SSH -> {
                        assertThat(clients).as("ps lines with the token: %s", lines).noneSatisfy(l -> assertThat(l).contains("autossh"));
                        assertThat(clients).anySatisfy(l -> assertThat(l).containsPattern("\\bssh .*-R 127\\.0\\.0\\.1:" + port + ":"));
                    }
                    case DBCLIENT -> {
                        assertThat(clients).as("ps lines with the token: %s", lines).noneSatisfy(l -> assertThat(l).contains("autossh"));
                        assertThat(clients).anySatisfy(l -> assertThat(l).contains("dbclient"));
                    }
                }
                assertThat(lines).as("the supervisor runs with the token").anySatisfy(l -> assertThat(l).contains("netpilot-tunnel-v1.sh"));
                a.manager().cleanup(Duration.ofSeconds(10));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty());
        }
    }
}
