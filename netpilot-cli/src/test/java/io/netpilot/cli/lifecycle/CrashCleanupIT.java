package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.cli.NetPilotProcess;
import io.netpilot.core.CleanupToken;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-man's switch: an agent with a short lease is killed with SIGKILL and never restarted; the
 * router ends its side by itself once the lease lapses (within TTL + 10 s), and the relay port closes.
 */
class CrashCleanupIT {
    private static final Duration TTL = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    @Test
    void theRouterSideEndsByItselfAfterTheLeaseOfAKilledAgent() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.BUSYBOX);
            Path home = rig.home("home").root();
            String ttl = TTL.toSeconds() + "s";
            try (NetPilotProcess agent = NetPilotProcess.start(dir, "--home", home.toString(), "agent", "--lease-ttl", ttl)) {
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(30)))
                        .until(() -> agent.out().contains("agent running") || !agent.process.isAlive());
                assertThat(agent.process.isAlive()).as("agent runs; stderr: %s", agent.err()).isTrue();
                NetPilotProcess.Result connect = NetPilotProcess.run(dir, "--home", home.toString(), "connect",
                        "--router", router.address().toString(), "--target-port", String.valueOf(router.port()),
                        "--relay", rig.relay.address().toString(), "--port-range", rig.range.toString(),
                        "--lease-ttl", ttl, "--accept-new-host-keys");
                assertThat(connect.exitCode()).as("connect: %s", connect.err()).isZero();
                CleanupToken token = await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10)))
                        .until(() -> AdoptAfterKillIT.onlyToken(router), Optional::isPresent).orElseThrow();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(20))).until(() -> LifecycleRig.carriesBanner(token.port()));
                // Outlive one whole lease with the agent alive: renewals keep it up.
                await().pollDelay(TTL.plusSeconds(1)).atMost(TTL.plusSeconds(5)).until(() -> LifecycleRig.carriesBanner(token.port()));
                assertThat(router.livePids()).isNotEmpty();

                long killedAt = System.nanoTime();
                agent.kill();
                await().atMost(TestTimeouts.scaled(TTL.plusSeconds(10))).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(router.livePids()).as("router processes after the lease").isEmpty());
                long tookMs = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                System.err.printf("lifecycle timing: router side gone %d ms after SIGKILL of the agent (lease %s)%n", tookMs, TTL);
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !rig.relay.isListening(token.port()));
            }
        }
    }
}
