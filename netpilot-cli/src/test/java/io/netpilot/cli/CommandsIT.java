package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.cli.lifecycle.LifecycleRig;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connect --detach, watch, disconnect through the agent, doctor and autostart, as a user runs them. */
class CommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LifecycleRig rig;
    private EmbeddedRelay relay;
    private EmbeddedRouter router;
    private Path home;

    @BeforeEach
    void servers() {
        rig = LifecycleRig.start(dir);
        relay = rig.relay;
        router = rig.router(EmbeddedRouter.Flavour.PROCPS);
        home = rig.home("home").root();
    }

    @AfterEach
    void stop() {
        if (Files.isDirectory(home)) {
            AgentLock.recordedPid(NetPilotHome.at(home)).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
        rig.close();
    }

    @Test
    void doctorRefusesUnpinnedHostsThenDetachWatchDisconnectWork() throws Exception {
        String h = home.toString();
        var unpinned = NetPilotProcess.run(dir, "--home", h, "doctor", "--relay", relay.address().toString());
        assertThat(unpinned.exitCode()).isEqualTo(1);
        assertThat(unpinned.out()).contains("FAIL relay").contains("--accept-new-host-keys");

        var detached = NetPilotProcess.run(dir, "--home", h, "connect", "--router", router.address().toString(),
                "--target-port", String.valueOf(router.port()), "--relay", relay.address().toString(),
                "--port-range", rig.range.toString(), "--accept-new-host-keys", "--detach");
        assertThat(detached.exitCode()).as(detached.err()).isZero();
        assertThat(detached.out()).contains(" UP ");
        long agentPid = AgentLock.recordedPid(NetPilotHome.at(home)).orElseThrow();
        assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).contains(true);

        JsonNode status = JSON.readTree(NetPilotProcess.run(dir, "--home", h, "status", "--json").out());
        assertThat(status.path("agentRunning").asBoolean()).isTrue();
        JsonNode tunnel = status.path("tunnels").get(0);
        assertThat(tunnel.path("state").asText()).isEqualTo("UP");
        String id = tunnel.path("id").asText();

        try (NetPilotProcess watch = NetPilotProcess.start(dir, "--home", h, "watch", "--json")) {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(15))).until(() -> watch.out().contains("\"type\""));
            JsonNode first = JSON.readTree(watch.out().lines().findFirst().orElseThrow());
            assertThat(first.has("type")).isTrue();
        }

        var doctor = NetPilotProcess.run(dir, "--home", h, "doctor", "--relay", relay.address().toString(), "--router", router.address().toString());
        assertThat(doctor.exitCode()).as(doctor.out()).isZero();
        assertThat(doctor.out()).contains("OK   relay").contains("OK   router").contains("an agent is running");

        var disconnect = NetPilotProcess.run(dir, "--home", h, "disconnect", id);
        assertThat(disconnect.exitCode()).as(disconnect.err()).isZero();
        assertThat(disconnect.out()).contains("disconnected " + id);
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).until(() -> router.livePids().isEmpty());
        assertThat(JSON.readTree(NetPilotProcess.run(dir, "--home", h, "status", "--json").out()).path("tunnels")).isEmpty();

        ProcessHandle.of(agentPid).orElseThrow().destroy();
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30))).until(() -> ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void autostartFromTheBuildTreeRefusesAndWritesNothing() throws Exception {
        // Units written from here would point into the build tree; the distribution's own test
        // (dist.DistributionIT) installs them from an unpacked archive and runs them.
        Path config = dir.resolve("xdg");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", config.toString(), "NETPILOT_LAUNCHER", Path.of("..", "netpilot").toAbsolutePath().toString());
        var install = NetPilotProcess.run(dir, env, "--home", home.toString(), "autostart", "install");
        assertThat(install.exitCode()).as(install.err()).isEqualTo(2);
        assertThat(install.err()).contains("needs an installed NetPilot").contains("linux-x64.tar.gz");
        assertThat(config).doesNotExist();
        assertThat(NetPilotProcess.run(dir, env, "autostart", "status").out())
                .contains("not installed: " + config.resolve("systemd/user/netpilot-agent.service"));
    }
}
