package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.Forward;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.RouterId;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.RelayExtension;
import io.netpilot.testkit.RouterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path as the agent drives it: MINA sessions to the testkit's embedded busybox router and
 * embedded relay, the real router-side clients, and the router's own SSH server as the target.
 */
class EmbeddedTunnelTest {
    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.busybox();

    @RegisterExtension
    final RelayExtension relayExt = RelayExtension.create();

    @TempDir
    Path home;

    private SshTransport transport;
    private RemoteShell router;
    private RemoteShell relay;

    @BeforeEach
    void connect() {
        transport = SshTransport.start(SshSettings.defaults(home.resolve("known_hosts"), home.resolve("id_ed25519")));
        routerExt.router().authorize(transport.agentKeys().keyPair().getPublic());
        relayExt.relay().authorize(transport.agentKeys().keyPair().getPublic());
        router = transport.open(routerExt.router().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
        relay = transport.open(relayExt.relay().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    @AfterEach
    void close() {
        router.close();
        relay.close();
        transport.close();
    }

    @ParameterizedTest
    @EnumSource(value = ClientKind.class, names = {"AUTOSSH", "SSH", "DBCLIENT"})
    void theRelayPortCarriesTheRoutersBannerAndEndingTheSessionIsRepaired(ClientKind kind) throws Exception {
        ShTunnelLauncher launcher = TunnelRig.launcher(kind);
        EmbeddedRouter r = routerExt.router();
        EmbeddedRelay rl = relayExt.relay();
        RelayPortAllocator allocator = new RelayPortAllocator();
        OpenSshRelayGateway gateway = new OpenSshRelayGateway();
        BannerProbe probe = new BannerProbe(System::nanoTime);
        RouterId id = RouterId.of(r.address());

        String key = launcher.ensureRouterKey(router);
        PortLease lease = allocator.allocate(relay, id, new PortRange(42000, 42999), OptionalInt.empty(), Set.of());
        CleanupToken token = CleanupToken.generate(id, lease.port(), new Random());
        gateway.authorize(relay, key, token);
        assertThat(Files.readString(rl.authorizedKeysFile())).contains("np:" + token);
        int pid = launcher.launch(router, new LaunchPlan(token, new Forward(lease.port(), r.port()), rl.address(), relay.hostPublicKey(),
                Duration.ofSeconds(60)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(probe.probe(relay, lease.port(), Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(ProbeResult.Reached.class, reached -> assertThat(reached.banner()).startsWith("SSH-2.0-")));
        assertThat(launcher.inspect(router, token).supervisorPid()).hasValue(pid);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gateway.liveSessions(relay)).contains(token));

        // On the embedded relay the forced command's parent is the JVM: ending the command ends the session.
        assertThat(gateway.endSession(relay, token)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(r.workDir().resolve(token + ".log")).contains("client exited"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(probe.probe(relay, lease.port(), Duration.ofSeconds(3))).isInstanceOf(ProbeResult.Reached.class));

        launcher.requestStop(router, token);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(launcher.inspect(router, token).supervisorPid()).isEmpty();
            assertThat(rl.isListening(lease.port())).isFalse();
        });
        gateway.revoke(relay, token);
        allocator.release(relay, id, lease.port());
        assertThat(Files.readString(rl.authorizedKeysFile())).doesNotContain(token.value());
        assertThat(allocator.leases(relay)).isEmpty();
    }
}
