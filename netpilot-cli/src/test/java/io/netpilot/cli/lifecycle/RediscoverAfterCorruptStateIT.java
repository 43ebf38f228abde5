package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.cli.NetPilotProcess;
import io.netpilot.core.CleanupToken;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent process: it is SIGKILLed, tunnel-state.json turns to garbage, and the next
 * {@code netpilot agent} sets the file aside, rediscovers the tunnel on the router and adopts it (the
 * router's supervisor pid is unchanged), so the tunnel is wanted and UP again.
 */
class RediscoverAfterCorruptStateIT {
    @TempDir
    Path dir;

    @Test
    void theNextAgentProcessRediscoversAndAdoptsTheTunnel() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            Path home = rig.home("home").root();
            CleanupToken token;
            long supervisor;
            try (NetPilotProcess first = NetPilotProcess.start(dir, "--home", home.toString(), "agent", "--lease-ttl", "30s")) {
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30)))
                        .until(() -> first.out().contains("agent running") || !first.process.isAlive());
                NetPilotProcess.Result connect = NetPilotProcess.run(dir, "--home", home.toString(), "connect",
                        "--router", router.address().toString(), "--target-port", String.valueOf(router.port()), "--relay", rig.relay.address().toString(),
                        "--port-range", rig.range.toString(), "--lease-ttl", "30s", "--accept-new-host-keys");
                assertThat(connect.exitCode()).as("connect: %s", connect.err()).isZero();
                token = await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10)))
                        .until(() -> AdoptAfterKillIT.onlyToken(router), Optional::isPresent).orElseThrow();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(20))).until(() -> LifecycleRig.carriesBanner(token.port()));
                supervisor = LifecycleRig.supervisorPid(router, token.value()).orElseThrow();
                first.kill();
            }
            Files.writeString(home.resolve("tunnel-state.json"), "{\"schemaVersion\": 1, \"tunnels\": [ garbage", StandardCharsets.UTF_8);

            try (NetPilotProcess second = NetPilotProcess.start(dir, "--home", home.toString(), "agent", "--lease-ttl", "30s")) {
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(500))
                        .until(() -> second.out().contains("rediscovered") || !second.process.isAlive());
                assertThat(second.process.isAlive()).as("second agent runs; stderr: %s", second.err()).isTrue();
                assertThat(second.out() + second.err()).contains("set aside");
                assertThat(second.out()).contains("on " + router.address() + " port " + token.port() + ": UP (adopted)");
                assertThat(LifecycleRig.supervisorPid(router, token.value())).as("adopted, not relaunched").hasValue(supervisor);
                assertThat(Files.readString(home.resolve("tunnel-state.json"))).contains(token.value());
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> AdoptAfterKillIT.onlyState(home).equals("UP"));
                assertThat(LifecycleRig.carriesBanner(token.port())).isTrue();
                second.terminate(TestTimeouts.scaled(Duration.ofSeconds(40)));
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).until(() -> router.livePids().isEmpty());
        }
    }
}
