package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.TunnelMetrics;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.testkit.EmbeddedRouter.Flavour;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Supervision on real faults (issue 11): a real agent (ssh and state modules), the testkit's relay
 * and routers with their real supervisor script and SSH clients, and {@link io.netpilot.testkit.FaultyLink}s
 * between the router and the relay, and between the agent and the router. Each test asserts the final
 * state, that it came within a generous bound (the real numbers are in bench/ and docs/BENCHMARKS.md),
 * and that nothing was lost: still wanted, same port, one supervisor, one relay line and lease; and
 * after a disconnect nothing at all.
 */
class SupervisionFaultsTest {
    private static final Duration GENEROUS = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} router, {1} client")
    @CsvSource({"PROCPS, AUTO", "BUSYBOX, DBCLIENT"})
    void aBlipShorterThanTheKeepaliveIsRiddenOutWithAHeldConnection(Flavour flavour, ClientKind client) throws Exception {
        try (FaultRig f = FaultRig.open(dir, flavour, client, FaultRig.SETTINGS, true, Duration.ofSeconds(30))) {
            FaultRig.Held held = f.hold();
            assertThat(held.roundTrip("before")).isEqualTo("before");
            long supervisor = f.supervisorPid();
            String token = f.token();

            long blackholed = System.nanoTime();
            f.relayLink.blackhole();
            Duration detect = f.awaitState(s -> !(s instanceof TunnelState.Up), Duration.ofSeconds(10));
            // the outage lasts until the agent has lost two probes in a row (~6 s: a blackholed probe waits out its
            // 2 s timeout), well inside the 5 s x 3 keepalives and the 20 s ride-out
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(15))).pollInterval(Duration.ofMillis(50))
                    .until(() -> f.snapshot().metrics().probesLost() >= 2);
            assertThat(f.snapshot().state()).as("ridden out, not repaired").isInstanceOf(TunnelState.Degraded.class);
            f.relayLink.heal();
            long outage = Duration.ofNanos(System.nanoTime() - blackholed).toMillis();
            Duration heal = f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);

            assertThat(held.roundTrip("after the blip")).as("the held connection survived").isEqualTo("after the blip");
            assertThat(f.supervisorPid()).as("nothing relaunched; states: %s", f.history()).isEqualTo(supervisor);
            assertThat(f.token()).isEqualTo(token);
            assertThat(f.states()).containsSubsequence("DEGRADED", "UP").doesNotContain("RECOVERING");
            f.endLosingNothing(String.format("blip %d ms (%s/%s): detected in %d ms, UP %d ms after the heal", outage, flavour, client,
                    detect.toMillis(), heal.toMillis()));
        }
    }

    @Test
    void anOutageLongerThanTheKeepaliveAndTheBackoffCapHealsWithinSecondsOfTheHeal() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.BUSYBOX, ClientKind.DBCLIENT, FaultRig.SETTINGS, true, Duration.ofSeconds(60))) {
            f.relayLink.blackhole();
            f.awaitState(s -> !s.carriesTraffic() || s instanceof TunnelState.Degraded, Duration.ofSeconds(10));
            // the outage lasts until the agent is past its 20 s ride-out (so past both ends' 5 s x 3 keepalives):
            // it then says the supervisor keeps trying to reach the relay, or relaunches
            Duration outage = f.awaitState(s -> s instanceof TunnelState.Recovering, Duration.ofSeconds(40));
            assertThat(f.snapshot().state().carriesTraffic() && f.snapshot().state() instanceof TunnelState.Up).isFalse();
            f.relayLink.heal();
            Duration traffic = f.awaitTraffic(GENEROUS);
            f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);

            assertThat(f.snapshot().metrics().reconnects()).isBetween(1, 3);
            f.endLosingNothing(String.format("outage %d s (busybox/dbclient): traffic %d ms after the heal", outage.toSeconds(),
                    traffic.toMillis()));
        }
    }

    @Test
    void aLinkResetAgainAndAgainKeepsRetriesBounded() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.PROCPS, ClientKind.SSH, FaultRig.SETTINGS, true, Duration.ofSeconds(30))) {
            long supervisor = f.supervisorPid();
            // each reset really ends the router's relay session (its forward stops listening) and each heal lets
            // its client back in (the forward listens again), so every cycle is a full drop and reconnect
            for (int i = 0; i < 6; i++) {
                f.relayLink.cut();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).pollInterval(Duration.ofMillis(20))
                        .until(() -> !Loopback.accepting(f.port));
                f.relayLink.heal();
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).pollInterval(Duration.ofMillis(20))
                        .until(() -> Loopback.accepting(f.port));
            }
            f.awaitTraffic(GENEROUS);
            f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);

            assertThat(f.supervisorPid()).as("its supervisor reconnected by itself; nothing relaunched; states: %s", f.history())
                    .isEqualTo(supervisor);
            TunnelMetrics m = f.snapshot().metrics();
            assertThat(m.reconnects()).as("reconnects, bounded by the resets").isBetween(0, 6);
            assertThat(m.rttMin().orElseThrow()).isLessThanOrEqualTo(m.rttSmoothed().orElseThrow().plusMillis(1));
            assertThat(m.probesInWindow()).isPositive();
            f.endLosingNothing(f.snapshot().toString());
        }
    }

    @Test
    void theRelayDownForLongOpensTheBreakerWhichClosesWhenItReturns() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.BUSYBOX, ClientKind.AUTO, FaultRig.SETTINGS, false, Duration.ofSeconds(60))) {
            f.relayLink.cut(); // the agent cannot reach the relay either
            f.awaitState(s -> s instanceof TunnelState.RelayUnreachable && s.reason().orElse("").contains("circuit breaker"),
                    GENEROUS);
            TunnelSnapshot open = f.snapshot();
            assertThat(open.nextAttempt()).as("the state says when the next attempt is").isPresent();

            f.relayLink.heal();
            Duration back = f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);
            f.awaitTraffic(GENEROUS);
            assertThat(f.snapshot().nextAttempt()).isEmpty();
            f.endLosingNothing(String.format("relay back: UP after %d ms", back.toMillis()));
        }
    }

    @Test
    void aSupervisorKilledWithSigkillIsRelaunchedOnItsPort() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.PROCPS, ClientKind.AUTO, FaultRig.SETTINGS, true, Duration.ofSeconds(9))) {
            long old = f.supervisorPid();
            List<ProcessHandle> clients = ProcessHandle.of(old).orElseThrow().descendants().toList();
            assertThat(clients).isNotEmpty();

            ProcessHandle.of(old).orElseThrow().destroyForcibly(); // SIGKILL: its client runs on, orphaned

            await().atMost(TestTimeouts.scaled(GENEROUS)).until(() -> f.supervisorPid() != old && f.supervisorPid() > 0);
            f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);
            f.awaitTraffic(GENEROUS);
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> clients.stream().noneMatch(ProcessHandle::isAlive));
            f.endLosingNothing(f.snapshot().toString());
        }
    }

    @Test
    void aRouterRebootedWhileTheAgentRunsComesBackOnItsPort() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.BUSYBOX, ClientKind.AUTO, FaultRig.SETTINGS, true, Duration.ofSeconds(30))) {
            f.router.reboot();
            f.awaitState(s -> !(s instanceof TunnelState.Up), GENEROUS);
            Duration back = f.awaitTraffic(GENEROUS);
            f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);
            assertThat(f.states()).contains("RECOVERING");
            f.endLosingNothing(String.format("router reboot: traffic back after %d ms", back.toMillis()));
        }
    }

    @Test
    void aStaleRelaySessionHoldingThePortIsEndedAndThePortReclaimed() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.PROCPS, ClientKind.SSH, FaultRig.SETTINGS.withRideOut(Duration.ofSeconds(3)),
                        true, Duration.ofSeconds(30))) {
            long supervisor = f.supervisorPid();

            f.relayLink.strand(); // the router's session is gone, the relay still holds it and its port

            Duration back = f.awaitTraffic(GENEROUS);
            f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);
            assertThat(f.supervisorPid()).as("reclaimed without a relaunch; states: %s", f.history()).isEqualTo(supervisor);
            f.endLosingNothing(String.format("stale listener: traffic back after %d ms", back.toMillis()));
        }
    }

    @Test
    void theAgentsOwnLinkToTheRouterCutNeverTearsDownATunnelThatCarriesTraffic() throws Exception {
        try (FaultRig f = FaultRig.open(dir, Flavour.BUSYBOX, ClientKind.AUTO, FaultRig.SETTINGS, true, Duration.ofSeconds(12))) {
            FaultRig.Held held = f.hold();
            long supervisor = f.supervisorPid();

            f.routerLink.cut();
            f.awaitState(s -> s instanceof TunnelState.Degraded && s.reason().orElse("").contains("renew"), GENEROUS);
            assertThat(f.snapshot().state().carriesTraffic()).isTrue();
            assertThat(held.roundTrip("while cut")).isEqualTo("while cut");
            f.routerLink.heal();
            f.awaitState(s -> s instanceof TunnelState.Up, GENEROUS);

            assertThat(held.roundTrip("after")).isEqualTo("after");
            assertThat(f.supervisorPid()).as("re-attached, not relaunched").isEqualTo(supervisor);
            assertThat(f.states()).doesNotContain("RECOVERING", "ROUTER_UNREACHABLE");
            f.endLosingNothing(f.snapshot().toString());
        }
    }
}
