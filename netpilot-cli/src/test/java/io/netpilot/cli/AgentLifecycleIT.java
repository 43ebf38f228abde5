package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.cli.lifecycle.LifecycleRig;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code netpilot} process against the testkit's real SSH servers: foreground connect then
 * SIGTERM cleans the router and keeps the tunnel wanted; {@code agent} restores it on the same port;
 * {@code connect} with an agent running hands over through the socket; a second agent exits 3.
 */
class AgentLifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LifecycleRig rig;
    private EmbeddedRelay relay;
    private EmbeddedRouter router;
    private EmbeddedRouter secondRouter;
    private Path home;

    @BeforeEach
    void servers() {
        rig = LifecycleRig.start(dir);
        relay = rig.relay;
        router = rig.router(EmbeddedRouter.Flavour.PROCPS);
        secondRouter = rig.router(EmbeddedRouter.Flavour.BUSYBOX);
        home = rig.home("home").root();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private String[] connectArgs(EmbeddedRouter r, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--home", home.toString(), "connect",
                "--router", r.address().toString(), "--target-port", String.valueOf(r.port()),
                "--relay", relay.address().toString(), "--port-range", rig.range.toString(), "--lease-ttl", "30s",
                "--accept-new-host-keys"));
        args.addAll(java.util.List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void foregroundConnectThenSigtermThenAgentRestoresOnTheSamePort() throws Exception {
        int port;
        try (NetPilotProcess fg = NetPilotProcess.start(dir, connectArgs(router))) {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(60))).until(() -> fg.out().contains(" UP ") || !fg.process.isAlive());
            assertThat(fg.process.isAlive()).as("foreground agent stays; stderr: %s", fg.err()).isTrue();
            port = portFromStatus();
            assertThat(banner(port)).startsWith("SSH-2.0-");
            assertThat(router.livePids()).isNotEmpty();

            // 143 = 128 + SIGTERM: the JVM's status after a signal, reached once the cleanup hook ran.
            assertThat(fg.terminate(TestTimeouts.scaled(Duration.ofSeconds(30)))).isEqualTo(143);
            assertThat(fg.out()).contains("stopped");
        }
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty());
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !relay.isListening(port));
        JsonNode persisted = JSON.readTree(Files.readString(home.resolve("tunnel-state.json")));
        assertThat(persisted.path("tunnels")).as("still wanted").hasSize(1);
        assertThat(persisted.path("tunnels").get(0).path("port").asInt()).isEqualTo(port);

        try (NetPilotProcess agent = NetPilotProcess.start(dir, "--home", home.toString(), "agent", "--lease-ttl", "30s")) {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(60))).until(() -> stateOfOnlyTunnel().equals("UP"));
            assertThat(portFromStatus()).isEqualTo(port);
            assertThat(banner(port)).startsWith("SSH-2.0-");

            // A second agent on the same home is refused, naming the first.
            var second = NetPilotProcess.run(dir, "--home", home.toString(), "agent");
            assertThat(second.exitCode()).isEqualTo(3);
            assertThat(second.err()).contains("pid " + agent.process.pid());

            // connect with an agent running hands over through the control socket.
            var handed = NetPilotProcess.run(dir, connectArgs(secondRouter));
            assertThat(handed.exitCode()).as(handed.err()).isZero();
            assertThat(handed.err()).contains("asking the agent");
            JsonNode status = statusJson();
            assertThat(status.path("agentRunning").asBoolean()).isTrue();
            assertThat(status.path("tunnels")).hasSize(2);

            assertThat(agent.terminate(TestTimeouts.scaled(Duration.ofSeconds(40)))).isEqualTo(143);
            assertThat(agent.out()).contains("stopped");
        }
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty() && secondRouter.livePids().isEmpty());
        JsonNode after = statusJson();
        assertThat(after.path("agentRunning").asBoolean()).isFalse();
        assertThat(after.path("tunnels")).hasSize(2);
    }

    private JsonNode statusJson() throws Exception {
        return NetPilotProcess.status(dir, home);
    }

    private int portFromStatus() throws Exception {
        return statusJson().path("tunnels").get(0).path("port").asInt();
    }

    private String stateOfOnlyTunnel() throws Exception {
        JsonNode t = statusJson().path("tunnels");
        return t.size() == 1 && statusJson().path("agentRunning").asBoolean() ? t.get(0).path("state").asText() : "";
    }

    private static String banner(int port) {
        return Loopback.firstLine(port, Duration.ofSeconds(10)).orElse("");
    }
}
