package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpilot.cli.lifecycle.LifecycleRig;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a tunnel logs in, as a user runs it. {@code connect --router-password-env}: the process that
 * reads the password uses it once, to install the agent's key on the router, and the agent that lives
 * on (started by this connect) never has it in its environment or on its command line.
 * {@code --relay-key}: a tunnel connected with it to a relay that accepts only that key comes back
 * after the agent stops and starts again, on the same relay port: the key file's path (only the path)
 * was remembered in tunnel-state.json and restore logged in with it, not with the agent's own key.
 */
class CredentialsIT {
    private static final String SECRET = "pw-0f3c9a-never-keep-me";

    @TempDir
    Path dir;

    private LifecycleRig rig;
    private Path home;

    @AfterEach
    void stop() {
        NetPilotProcess.stopAgentOf(home);
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

    @Test
    void aTunnelMadeWithARelayKeyIsRestoredWithItOnTheSamePort() throws Exception {
        rig = LifecycleRig.start(dir);
        EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
        NetPilotHome netpilotHome = NetPilotHome.at(dir.resolve("home"));
        home = netpilotHome.root();
        // The agent's own key may log in to the router only; the relay accepts nothing but relay_key.
        router.authorize(AgentKeys.loadOrCreate(netpilotHome.agentKeyFile()).keyPair().getPublic());
        Path relayKey = dir.resolve("keys/relay_key");
        Files.createDirectories(relayKey.getParent());
        AgentKeys relayKeys = AgentKeys.loadOrCreate(relayKey);
        rig.relay.authorize(relayKeys.keyPair().getPublic());
        String h = home.toString();

        var connect = NetPilotProcess.run(dir, "--home", h, "connect", "--router", router.address().toString(),
                "--target-port", String.valueOf(router.port()), "--relay", rig.relay.address().toString(),
                "--relay-key", relayKey.toString(), "--port-range", rig.range.toString(), "--accept-new-host-keys", "--detach");
        assertThat(connect.exitCode()).as(connect.err()).isZero();
        JsonNode before = NetPilotProcess.status(dir, home).path("tunnels").get(0);
        assertThat(before.path("state").asText()).isEqualTo("UP");
        int port = before.path("port").asInt();
        String state = Files.readString(netpilotHome.tunnelStateFile());
        assertThat(state).as("the path is remembered").contains("\"keyFile\" : \"" + relayKey + "\"")
                .as("never the key").doesNotContain("PRIVATE KEY").doesNotContain(relayKeys.publicKeyLine().split(" ")[1]);

        long firstAgent = AgentLock.recordedPid(netpilotHome).orElseThrow();
        ProcessHandle.of(firstAgent).orElseThrow().destroy();
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(40)))
                .until(() -> ProcessHandle.of(firstAgent).map(p -> !p.isAlive()).orElse(true));
        assertThat(Files.readString(dir.resolve("home/logs/agent.out")))
                .as("exit cleanup reached the relay with the remembered key").doesNotContain("refused the login");

        try (NetPilotProcess agent = NetPilotProcess.start(dir, "--home", h, "agent")) {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(60))).untilAsserted(() -> {
                JsonNode t = NetPilotProcess.status(dir, home).path("tunnels").get(0);
                assertThat(t.path("state").asText()).as("%s; agent stdout: %s", t, agent.out()).isEqualTo("UP");
                assertThat(t.path("port").asInt()).isEqualTo(port);
            });
            assertThat(Loopback.sshBanner(port, Duration.ofSeconds(5))).as("the relay port carries the router's SSH").isPresent();
            assertThat(agent.out()).contains("restored");
            assertThat(agent.terminate(TestTimeouts.scaled(Duration.ofSeconds(40)))).isEqualTo(143);
        }
    }
}
