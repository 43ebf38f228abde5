package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.spi.DiscoveredTunnel;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.ssh.internal.tunnel.TunnelRig.RouterShell;
import io.netpilot.ssh.internal.tunnel.TunnelRig.Tunnel;
import io.netpilot.ssh.tunnel.ClientKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The router-side supervisor end to end: a real router shell (dash or busybox), real SSH clients
 * (autossh, ssh, dbclient) and a private OpenSSH relay.
 */
class TunnelLifecycleTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({"AUTOSSH, BUSYBOX", "SSH, BUSYBOX", "DBCLIENT, BUSYBOX", "SSH, DASH", "DBCLIENT, DASH"})
    void tunnelCarriesTheRoutersBannerUntilTheStopFile(ClientKind kind, RouterShell shell) throws Exception {
        try (TunnelRig rig = new TunnelRig(dir, shell)) {
            ShTunnelLauncher launcher = TunnelRig.launcher(kind);
            Tunnel t = rig.connect(launcher, Duration.ofSeconds(60));

            ProbeResult.Reached reached = (ProbeResult.Reached) rig.probe.probe(rig.relay, t.port(), TunnelRig.PROBE_TIMEOUT);
            assertThat(reached.banner()).startsWith("SSH-2.0-OpenSSH");
            RouterTunnelStatus status = launcher.inspect(rig.router, t.token());
            assertThat(status.alive()).isTrue();
            assertThat(status.supervisorPid()).hasValue(t.pid());
            assertThat(status.leaseRemaining()).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(61));
            assertThat(status.logTail()).contains("client=" + kind.hint());
            // The forward can answer before the relay has started the session's forced command (the
            // client asks for the session after its -R is granted), so the session is awaited.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rig.gateway.liveSessions(rig.relay)).contains(t.token()));
            assertThat(launcher.tokens(rig.router)).containsExactly(t.token());
            DiscoveredTunnel described = launcher.describe(rig.router, t.token()).orElseThrow();
            assertThat(described.token()).isEqualTo(t.token());
            assertThat(described.forward().remotePort()).isEqualTo(t.port());
            assertThat(described.relay().host()).isEqualTo("127.0.0.1");
            assertThat(described.relay().user()).isEqualTo(System.getProperty("user.name"));
            assertThat(described.forward().targetPort()).isEqualTo(described.relay().port());
            assertThat(described.leaseTtl()).isEqualTo(Duration.ofSeconds(60));
            String client = kind == ClientKind.DBCLIENT ? "dbclient" : kind == ClientKind.AUTOSSH ? "autossh" : "ssh ";
            assertThat(rig.routerProcesses(t.token())).anyMatch(cmd -> cmd.contains(client));

            launcher.requestStop(rig.router, t.token());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(rig.routerProcesses(t.token())).isEmpty();
                assertThat(rig.file(t.token(), ".pid")).doesNotExist();
                assertThat(rig.gateway.isListening(rig.relay, t.port())).isFalse();
            });
            assertThat(launcher.inspect(rig.router, t.token()).supervisorPid()).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.gateway.liveSessions(rig.relay).contains(t.token()));
            // Regression: the relay's forced command once outlived its session forever (a slow login
            // shell exec'd it as an orphan of init). Nothing on the machine may carry the token now.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                    .map(h -> h.info().commandLine().orElse("")).filter(c -> c.contains(t.token().value()))).isEmpty());
            launcher.removeFiles(rig.router, t.token());
            assertThat(launcher.tokens(rig.router)).isEmpty();
            assertThat(rig.file(t.token(), ".plan")).doesNotExist();
            assertThat(launcher.describe(rig.router, t.token())).isEmpty();
        }
    }

    @Test
    void leaseLapseStopsTheTunnelByItselfAndTheLogStaysBounded() throws Exception {
        try (TunnelRig rig = new TunnelRig(dir, RouterShell.BUSYBOX)) {
            ShTunnelLauncher launcher = TunnelRig.launcher(ClientKind.SSH);
            Tunnel t = rig.connect(launcher, Duration.ofSeconds(8));
            // A log grown past its bound is cut back while the tunnel runs.
            Files.writeString(rig.file(t.token(), ".log"), "x".repeat(200_000) + "\n", java.nio.file.StandardOpenOption.APPEND);
            // (its size is looked at with the clock, every 5 s)
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.size(rig.file(t.token(), ".log")) < 70_000);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(rig.routerProcesses(t.token())).isEmpty();
                assertThat(rig.gateway.isListening(rig.relay, t.port())).isFalse();
            });
            assertThat(Files.readString(rig.file(t.token(), ".log"))).contains("lease lapsed");
            assertThat(launcher.inspect(rig.router, t.token()).alive()).isFalse();
        }
    }

    @Test
    void renewingTheLeasePushesItsExpiryOut() throws Exception {
        try (TunnelRig rig = new TunnelRig(dir, RouterShell.DASH)) {
            ShTunnelLauncher launcher = TunnelRig.launcher(ClientKind.SSH);
            Tunnel t = rig.connect(launcher, Duration.ofSeconds(10));
            launcher.renewLease(rig.router, t.token(), Duration.ofMinutes(5));
            assertThat(launcher.inspect(rig.router, t.token()).leaseRemaining()).isGreaterThan(Duration.ofMinutes(4));
        }
    }

    @Test
    void termToTheSupervisorEndsAutosshAndItsSsh() throws Exception {
        try (TunnelRig rig = new TunnelRig(dir, RouterShell.BUSYBOX)) {
            ShTunnelLauncher launcher = TunnelRig.launcher(ClientKind.AUTOSSH);
            Tunnel t = rig.connect(launcher, Duration.ofSeconds(60));
            assertThat(rig.routerProcesses(t.token())).anyMatch(c -> c.contains("autossh")).anyMatch(c -> c.startsWith("/usr/bin/ssh"));

            assertThat(ProcessHandle.of(t.pid()).orElseThrow().destroy()).isTrue(); // SIGTERM

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(rig.routerProcesses(t.token())).isEmpty();
                assertThat(rig.file(t.token(), ".pid")).doesNotExist();
            });
            assertThat(Files.readString(rig.file(t.token(), ".log"))).contains("signal TERM");
        }
    }

    @Test
    void endingTheRelaySessionFreesThePortAndTheSupervisorReconnects() throws Exception {
        try (TunnelRig rig = new TunnelRig(dir, RouterShell.DASH)) {
            ShTunnelLauncher launcher = TunnelRig.launcher(ClientKind.SSH);
            Tunnel t = rig.connect(launcher, Duration.ofSeconds(60));

            assertThat(rig.gateway.endSession(rig.relay, t.token())).isTrue();

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Files.readString(rig.file(t.token(), ".log")).contains("client exited"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(rig.probe.probe(rig.relay, t.port(), TunnelRig.PROBE_TIMEOUT)).isInstanceOf(ProbeResult.Reached.class));
            assertThat(launcher.inspect(rig.router, t.token()).supervisorPid()).hasValue(t.pid());
        }
    }

    @Test
    void theRoutersKeyCannotBindAnyOtherRelayPort() throws Exception {
        try (TunnelRig rig = new TunnelRig(dir, RouterShell.DASH)) {
            ShTunnelLauncher launcher = TunnelRig.launcher(ClientKind.SSH);
            Tunnel t = rig.connect(launcher, Duration.ofSeconds(60));
            int other = t.port() + 1;
            String d = rig.workDir.resolve(t.token().value() + ".d").toString();
            var result = rig.router.exec("ssh -F /dev/null -T -o BatchMode=yes -o ExitOnForwardFailure=yes -o ConnectTimeout=5"
                    + " -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + d + "/known_hosts -o IdentitiesOnly=yes"
                    + " -i " + rig.workDir.resolve("id_router") + " -p " + rig.sshd.port
                    + " -R 127.0.0.1:" + other + ":127.0.0.1:" + rig.sshd.port + " " + System.getProperty("user.name") + "@127.0.0.1",
                    Duration.ofSeconds(20));
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stderr()).containsIgnoringCase("forwarding");
            assertThat(rig.gateway.isListening(rig.relay, other)).isFalse();
        }
    }
}
