package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.Forward;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RevocationResult;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.OpenSshRelay;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stock relay (ed25519, ecdsa and rsa host keys; the two-account layout of the docs) and a router
 * whose only SSH client is dbclient, with busybox {@code sh}/{@code ps} first on its PATH: the agent
 * learns every relay key from sshd's own announcement, pins them all, writes them all to the router,
 * and the tunnel comes up (dbclient, which picks its own key type, does not stop at a prompt); then a
 * clean stop and revoke.
 */
class StockRelayDbclientTest {
    @TempDir
    Path dir;

    @Test
    void aDbclientRouterConnectsToARelayWithThreeHostKeys() throws Exception {
        Binaries.require("dbclient");
        Path busybox = Binaries.require("busybox");
        ShTunnelLauncher launcher = TunnelRig.launcher(ClientKind.DBCLIENT);
        String marker = UUID.randomUUID().toString();
        try (OpenSshRelay relay = OpenSshRelay.start(dir.resolve("relay"));
                SshTransport ssh = SshTransport.start(SshSettings.defaults(dir.resolve("known_hosts"), dir.resolve("agent_key")));
                ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!target.isClosed()) {
                    try (Socket s = target.accept()) {
                        s.getOutputStream().write("SSH-2.0-dbclient-router\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            relay.authorizeAgent(ssh.agentKeys().publicKeyLine());
            RemoteShell agent = ssh.open(new SshAddress(relay.agent, "127.0.0.1", relay.port), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
            agent.exec("true", Duration.ofSeconds(10)).orThrow("a first command");

            // Every key sshd holds, announced after login, is known and pinned.
            List<String> relayKeys = agent.hostPublicKeys();
            assertThat(relayKeys).extracting(k -> k.split(" ")[0])
                    .containsExactlyInAnyOrder("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa");
            // The case of issue 8: the agent's session negotiated another type than dbclient's ed25519.
            assertThat(agent.hostPublicKey()).as("the key MINA negotiated").doesNotStartWith("ssh-ed25519");
            assertThat(Files.readAllLines(dir.resolve("known_hosts"))).hasSize(3).allMatch(l -> l.startsWith("[127.0.0.1]:" + relay.port + " "));

            Path bin = Files.createDirectories(dir.resolve("busybox-bin"));
            assertThat(new ProcessBuilder(busybox.toString(), "--install", "-s", bin.toString()).inheritIO().start().waitFor()).isZero();
            LocalShell router = new LocalShell(List.of("sh"), LocalShell.env("HOME", Files.createDirectories(dir.resolve("router-home")).toString(),
                    "NETPILOT_WORK_DIR", Files.createDirectories(dir.resolve("router-work")).toString(),
                    "PATH", bin + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"), "", marker);
            try {
                String key = launcher.ensureRouterKey(router);
                RouterId routerId = RouterId.of(new SshAddress("root", "192.168.1.1", 22));
                LeaseOwner owner = new LeaseOwner(AgentId.of("dbclient-test"), routerId, new HostKeyFingerprint("SHA256:" + "C".repeat(43)));
                PortLease lease = new RelayPortAllocator().allocate(agent, owner, new PortRange(42000, 42999), OptionalInt.empty(), Set.of());
                CleanupToken token = CleanupToken.generate(routerId, lease.port(), new Random());
                OpenSshRelayGateway gateway = new OpenSshRelayGateway();
                gateway.authorize(agent, key, token, owner.agent());
                LaunchPlan plan = new LaunchPlan(token, new Forward(lease.port(), target.getLocalPort()),
                        new SshAddress(relay.tunnel, "127.0.0.1", relay.port), agent.hostPublicKey(), Duration.ofMinutes(5),
                        relayKeys);
                launcher.launch(router, plan);
                BannerProbe probe = new BannerProbe(System::nanoTime);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(probe.probe(agent, lease.port(), Duration.ofSeconds(3)))
                        .isInstanceOfSatisfying(ProbeResult.Reached.class, r -> assertThat(r.banner()).isEqualTo("SSH-2.0-dbclient-router")));
                assertThat(Files.readString(dir.resolve("router-work").resolve(token + ".d/home/.ssh/known_hosts")).lines())
                        .hasSize(3).allMatch(l -> l.startsWith("127.0.0.1 "));

                launcher.requestStop(router, token);
                assertThat(gateway.revokeTunnel(agent, token)).isInstanceOf(RevocationResult.Revoked.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> !probe.probe(agent, lease.port(), Duration.ofSeconds(2)).getClass()
                        .equals(ProbeResult.Reached.class));
            } finally {
                agent.close();
                LocalShell.killMarked(marker);
            }
        }
    }
}
