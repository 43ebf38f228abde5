package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.cli.lifecycle.LifecycleRig;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code connect --router-password-env}: the process that reads the password uses it once, to install
 * the agent's key on the router, and the agent that lives on (started by this connect) never has it in
 * its environment or on its command line.
 */
class PasswordStaysOutIT {
    private static final String SECRET = "pw-0f3c9a-never-keep-me";

    @TempDir
    Path dir;

    private LifecycleRig rig;
    private Path home;

    @AfterEach
    void stop() {
        if (home != null && Files.isDirectory(home)) {
            AgentLock.recordedPid(NetPilotHome.at(home)).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
        if (rig != null) {
            rig.close();
        }
    }

    @ParameterizedTest(name = "detach={0}")
    @ValueSource(booleans = {true, false})
    void theBackgroundAgentNeverHoldsThePassword(boolean detach) throws Exception {
        rig = LifecycleRig.start(dir);
        EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
        router.allowPassword(SECRET);
        home = rig.home("home").root();

        List<String> args = new ArrayList<>(List.of("--home", home.toString(), "connect", "--router", router.address().toString(),
                "--router-password-env", "NP_ROUTER_PW", "--target-port", String.valueOf(router.port()),
                "--relay", rig.relay.address().toString(), "--port-range", rig.range.toString(), "--accept-new-host-keys"));
        if (detach) {
            args.add("--detach");
        }
        var connect = NetPilotProcess.run(dir, Map.of("NP_ROUTER_PW", SECRET), args.toArray(String[]::new));

        assertThat(connect.exitCode()).as(connect.err()).isZero();
        assertThat(connect.out()).contains(" UP ");
        assertThat(Files.readString(router.home().resolve(".ssh/authorized_keys")))
                .as("the password installed the agent's key").contains("netpilot-agent");
        long agentPid = AgentLock.recordedPid(NetPilotHome.at(home)).orElseThrow();
        assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).contains(true);

        String environ = Files.readString(Path.of("/proc", String.valueOf(agentPid), "environ"), StandardCharsets.ISO_8859_1);
        String cmdline = Files.readString(Path.of("/proc", String.valueOf(agentPid), "cmdline"), StandardCharsets.ISO_8859_1);
        assertThat(environ).as("the agent's environment").isNotEmpty().doesNotContain(SECRET).doesNotContain("NP_ROUTER_PW");
        assertThat(cmdline).as("the agent's command line").doesNotContain(SECRET);

        ProcessHandle.of(agentPid).orElseThrow().destroy();
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30))).until(() -> ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true));
    }
}
