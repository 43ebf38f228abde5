package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.cli.lifecycle.LifecycleRig;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervision through the real {@code netpilot} process (issue 11): {@code watch --json} delivers a
 * real fault's state changes in order, {@code retry} reaches the agent, {@code status --json} carries
 * the metrics, and {@code cleanup}, {@code disconnect --router} and {@code disconnect --all} run end
 * to end.
 */
class SupervisionCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LifecycleRig rig;
    private EmbeddedRouter a;
    private EmbeddedRouter b;
    private String h;

    @BeforeEach
    void servers() {
        rig = LifecycleRig.start(dir);
        a = rig.router(EmbeddedRouter.Flavour.PROCPS);
        b = rig.router(EmbeddedRouter.Flavour.BUSYBOX);
        h = rig.home("home").root().toString();
    }

    @AfterEach
    void stop() {
        Path home = Path.of(h);
        if (Files.isDirectory(home)) {
            AgentLock.recordedPid(NetPilotHome.at(home)).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
        rig.close();
    }

    private String connect(EmbeddedRouter router) throws Exception {
        var r = NetPilotProcess.run(dir, "--home", h, "connect", "--router", router.address().toString(),
                "--target-port", String.valueOf(router.port()), "--relay", rig.relay.address().toString(),
                "--port-range", rig.range.toString(), "--accept-new-host-keys", "--detach");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return tunnels().stream().filter(t -> t.path("router").asText().endsWith(":" + router.port()))
                .map(t -> t.path("id").asText()).findFirst().orElseThrow();
    }

    private List<JsonNode> tunnels() throws Exception {
        List<JsonNode> list = new ArrayList<>();
        JSON.readTree(NetPilotProcess.run(dir, "--home", h, "status", "--json").out()).path("tunnels").forEach(list::add);
        return list;
    }

    private JsonNode tunnel(String id) throws Exception {
        return tunnels().stream().filter(t -> t.path("id").asText().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void watchJsonDeliversARealFaultsStateChangesInOrderAndRetryReachesTheAgent() throws Exception {
        String id = connect(a);
        JsonNode up = tunnel(id);
        assertThat(up.path("probes").asInt()).isPositive();
        assertThat(up.has("rttSmoothedMillis") && up.has("probeLoss") && up.has("uptimeSeconds") && up.has("reconnects")
                && up.has("nextAttempt") && up.has("sinceChangeSeconds")).as("the metrics fields: %s", up).isTrue();

        try (NetPilotProcess watch = NetPilotProcess.start(dir, "--home", h, "watch", "--json")) {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(15))).until(() -> watch.out().contains("\"type\""));

            a.reboot(); // a real fault: the router loses its processes and work dir

            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(40))).until(() -> states(watch.out(), id).contains("RECOVERING")
                    && states(watch.out(), id).lastIndexOf("UP") > states(watch.out(), id).indexOf("RECOVERING"));
            List<JsonNode> changes = changes(watch.out(), id);
            for (int i = 1; i < changes.size(); i++) {
                assertThat(changes.get(i).path("from").asText()).as("in order: %s", changes)
                        .isEqualTo(changes.get(i - 1).path("to").asText());
            }
            assertThat(states(watch.out(), id)).containsSubsequence("RECOVERING", "UP");
            assertThat(watch.out().lines().filter(l -> l.contains("\"metrics\"")).findFirst()).hasValueSatisfying(l ->
                    assertThat(l).contains("\"rttSmoothedMillis\"").contains("\"probeLoss\""));
        }
        assertThat(tunnel(id).path("reconnects").asInt()).isPositive();

        var retry = NetPilotProcess.run(dir, "--home", h, "retry", id);
        assertThat(retry.exitCode()).as(retry.err()).isZero();
        assertThat(retry.out()).contains("retrying " + id);
        var unknown = NetPilotProcess.run(dir, "--home", h, "retry", "t00000000");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("t00000000");
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(20))).until(() -> tunnel(id).path("state").asText().equals("UP"));
    }

    @Test
    void disconnectByRouterThenCleanupThenDisconnectAllLeaveNothing() throws Exception {
        String onA = connect(a);
        String onB = connect(b);

        var byRouter = NetPilotProcess.run(dir, "--home", h, "disconnect", "--router", a.address().toString());
        assertThat(byRouter.exitCode()).as(byRouter.err()).isZero();
        assertThat(byRouter.out()).contains(onA).doesNotContain(onB);
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> a.livePids().isEmpty());
        assertThat(tunnels()).extracting(t -> t.path("id").asText()).containsExactly(onB);
        assertThat(b.livePids()).isNotEmpty();

        NetPilotProcess.stopAgentOf(Path.of(h)); // its clean exit stops B's processes; B's tunnel stays wanted
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30))).until(() -> !NetPilotProcess.status(dir, Path.of(h))
                .path("agentRunning").asBoolean());

        var refused = NetPilotProcess.run(dir, "--home", h, "cleanup", "--router", b.address().toString());
        assertThat(refused.exitCode()).as("cleanup refuses a router this home still wants").isNotZero();
        assertThat(refused.err()).contains(onB).contains("disconnect");
        var forced = NetPilotProcess.run(dir, "--home", h, "cleanup", "--force", "--router", b.address().toString());
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> b.livePids().isEmpty());

        var all = NetPilotProcess.run(dir, "--home", h, "disconnect", "--all");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains(onB);
        assertThat(tunnels()).isEmpty();
        assertThat(Files.readAllLines(rig.relay.authorizedKeysFile())).noneMatch(l -> l.contains("np_"));
    }

    private static List<JsonNode> changes(String out, String id) {
        List<JsonNode> list = new ArrayList<>();
        out.lines().filter(l -> l.contains("\"state\"") && l.contains(id)).forEach(l -> {
            try {
                list.add(JSON.readTree(l));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return list;
    }

    private static List<String> states(String out, String id) {
        return changes(out, id).stream().map(n -> n.path("to").asText()).toList();
    }
}
