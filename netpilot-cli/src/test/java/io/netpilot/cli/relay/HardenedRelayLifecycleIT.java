package io.netpilot.cli.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpilot.cli.NetPilotProcess;
import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.PortRange;
import io.netpilot.core.RouterId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.tunnel.TunnelPlumbing;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.OpenSshRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of issue 8 on the documented two-account OpenSSH relay (ed25519, ecdsa and rsa host
 * keys; accounts and {@code Match} block read from docs/relay-setup.md) and real dropbear routers whose
 * only client is dbclient, with busybox {@code sh} and {@code ps}: the whole lifecycle; a revocation the
 * relay refuses (its lock held) failing the disconnect and finished by the next start, whose sweep also
 * clears a crashed run's leftovers but not another agent's; and two routers with different host keys at
 * one address and port, behind two agents.
 */
class HardenedRelayLifecycleIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String routerKeys(OpenSshRelay relay) throws Exception {
        return Files.readString(relay.keysFile());
    }

    private static boolean leased(OpenSshRelay relay, int port) {
        return Files.exists(relay.agentHome.resolve(".netpilot-relay/leases/" + port));
    }

    @Test
    void connectCleanExitRestoreWithAdoptAndDisconnect() throws Exception {
        try (OpenSshRelay relay = OpenSshRelay.start(dir.resolve("relay"))) {
            RelayAgent first = RelayAgent.start(dir.resolve("home"), relay);
            try (DbclientRouter router = DbclientRouter.start(dir.resolve("router"), DbclientRouter.freePort(), first.publicKeyLine())) {
                TunnelSnapshot up;
                CleanupToken token;
                String supervisor;
                try (first) {
                    up = first.manager.connect(RelayAgent.request(router, relay, RelayAgent.ports(0)));
                    assertThat(up.state()).isEqualTo(TunnelState.UP);
                    int port = up.port().orElseThrow();
                    TunnelRecord rec = first.state().tunnel(up.id()).orElseThrow();
                    token = rec.token().orElseThrow();
                    assertThat(rec.spec().router().pinnedHostKey()).as("known by its host key").hasValue(router.hostKey());
                    assertThat(Loopback.sshBanner(port, Duration.ofSeconds(5))).hasValueSatisfying(b -> assertThat(b).contains("dropbear"));
                    assertThat(Files.readAllLines(router.workDir().resolve(token + ".d/home/.ssh/known_hosts")))
                            .as("every relay host key, in dbclient's form").hasSize(3);
                    assertThat(routerKeys(relay)).contains("np:" + token + " agent:" + first.id);
                    supervisor = router.supervisorPid(token.value()).orElseThrow();
                }
                // the agent stopped without cleaning up; the next one adopts what runs
                try (RelayAgent second = RelayAgent.start(dir.resolve("home"), relay)) {
                    second.manager.restore();
                    assertThat(second.manager.tunnel(up.id()).orElseThrow().state()).isEqualTo(TunnelState.UP);
                    assertThat(router.supervisorPid(token.value())).as("adopted, not relaunched").hasValue(supervisor);

                    CleanupReport exit = second.manager.cleanup(BOUND);
                    assertThat(exit.complete()).as("clean exit: %s", exit).isTrue();
                    assertThat(second.state().tunnel(up.id()).orElseThrow().state()).isEqualTo(TunnelState.STOPPED);
                    assertThat(router.supervisorPid(token.value())).isEmpty();
                    assertThat(leased(relay, up.port().orElseThrow())).as("the port stays leased for the restore").isTrue();
                }
                // a clean exit's restore relaunches on the same port; disconnect then leaves nothing on the relay
                try (RelayAgent third = RelayAgent.start(dir.resolve("home"), relay)) {
                    third.manager.restore();
                    TunnelSnapshot back = third.manager.tunnel(up.id()).orElseThrow();
                    assertThat(back.state()).isEqualTo(TunnelState.UP);
                    assertThat(back.port()).isEqualTo(up.port());

                    CleanupReport gone = third.manager.disconnect(up.id());
                    assertThat(gone.complete()).as("disconnect: %s", gone).isTrue();
                    assertThat(routerKeys(relay)).doesNotContain("np:");
                    assertThat(leased(relay, up.port().orElseThrow())).isFalse();
                    assertThat(third.state().tunnels()).isEmpty();
                    assertThat(third.state().pendingRevocations()).isEmpty();
                }
            }
        }
    }

    @Test
    void aRevocationTheRelayRefusesFailsTheDisconnectAndTheNextStartFinishesItAndSweeps() throws Exception {
        Path home = dir.resolve("home");
        try (OpenSshRelay relay = OpenSshRelay.start(dir.resolve("relay"))) {
            RelayAgent first = RelayAgent.start(home, relay);
            try (DbclientRouter router = DbclientRouter.start(dir.resolve("router"), DbclientRouter.freePort(), first.publicKeyLine())) {
                CleanupToken token;
                CleanupToken orphan;
                CleanupToken others;
                int port;
                try (first) {
                    TunnelSnapshot up = first.manager.connect(RelayAgent.request(router, relay, RelayAgent.ports(1)));
                    port = up.port().orElseThrow();
                    token = first.state().tunnel(up.id()).orElseThrow().token().orElseThrow();
                    // leftovers of a crashed run of this agent, and another agent's tunnel, on the same relay
                    RouterId rid = RouterId.of(router.address());
                    orphan = CleanupToken.generate(rid, port + 1, new Random());
                    others = CleanupToken.generate(rid, port + 2, new Random());
                    AgentId other = AgentId.of("another agent");
                    HostKeyFingerprint key = router.hostKey();
                    try (RemoteShell shell = first.openAsAgent(first.state().tunnels().getFirst().spec().relay().address())) {
                        TunnelPlumbing.relayGateway().authorize(shell, router.hostKeyLine, orphan, first.id);
                        TunnelPlumbing.portAllocator().allocate(shell, new LeaseOwner(first.id, rid, key), RelayAgent.ports(1), OptionalInt.of(port + 1), Set.of());
                        TunnelPlumbing.relayGateway().authorize(shell, router.hostKeyLine, others, other);
                        TunnelPlumbing.portAllocator().allocate(shell, new LeaseOwner(other, rid, key), RelayAgent.ports(1), OptionalInt.of(port + 2), Set.of());
                    }
                    // the relay's lock is held, so no revocation can take it (kernel flock: freed when the holder dies)
                    Process holder = new ProcessBuilder("flock", relay.agentHome.resolve(".netpilot-relay/lock").toString(), "sleep", "120").start();
                    try {
                        await().atMost(Duration.ofSeconds(5)).until(() -> new ProcessBuilder("flock", "-n",
                                relay.agentHome.resolve(".netpilot-relay/lock").toString(), "true").start().waitFor() != 0);
                        first.close(); // the agent stops without cleaning up; the user disconnects with the CLI
                        NetPilotProcess.Result disconnect = NetPilotProcess.run(dir, "--home", home.toString(), "disconnect", up.id().value());

                        assertThat(disconnect.exitCode()).as("a disconnect that left the relay fails: %s%s", disconnect.out(), disconnect.err()).isEqualTo(1);
                        assertThat(disconnect.err()).contains("could not be revoked").contains("lock").contains("retried");
                        assertThat(StateStores.view(NetPilotHome.at(home)).pendingRevocations())
                                .extracting(PendingRevocation::token).containsExactly(token);
                        assertThat(routerKeys(relay)).contains("np:" + token);
                        assertThat(leased(relay, port)).isTrue();
                        JsonNode status = NetPilotProcess.status(dir, home);
                        assertThat(status.path("tunnels")).isEmpty();
                        assertThat(status.path("pendingRevocations").get(0).path("token").asText()).isEqualTo(token.value());
                        assertThat(NetPilotProcess.run(dir, "--home", home.toString(), "status").out())
                                .contains("pending revocation of " + up.id()).contains("could not be revoked");
                    } finally {
                        // flock's child (sleep) holds the lock too
                        holder.descendants().forEach(ProcessHandle::destroyForcibly);
                        holder.destroyForcibly().waitFor();
                    }
                }
                try (RelayAgent next = RelayAgent.start(home, relay)) {
                    next.manager.restore(); // the next agent start

                    assertThat(next.state().pendingRevocations()).isEmpty();
                    assertThat(routerKeys(relay)).doesNotContain("np:" + token).doesNotContain("np:" + orphan).contains("np:" + others);
                    assertThat(leased(relay, port)).isFalse();
                    assertThat(leased(relay, port + 1)).as("the crashed run's lease").isFalse();
                    assertThat(leased(relay, port + 2)).as("another agent's lease").isTrue();
                }
            }
        }
    }

    @Test
    void twoRoutersAtOneAddressBehindTwoAgentsGetTwoPortsAndASwappedRouterIsNotUp() throws Exception {
        try (OpenSshRelay relay = OpenSshRelay.start(dir.resolve("relay"));
                RelayAgent one = RelayAgent.start(dir.resolve("home1"), relay, Duration.ofSeconds(2));
                RelayAgent two = RelayAgent.start(dir.resolve("home2"), relay, Duration.ofSeconds(2))) {
            int address = DbclientRouter.freePort();
            String bothKeys = one.publicKeyLine() + "\n" + two.publicKeyLine();
            PortRange range = RelayAgent.ports(2);
            TunnelSnapshot a;
            HostKeyFingerprint keyA;
            try (DbclientRouter routerA = DbclientRouter.start(dir.resolve("routerA"), address, bothKeys)) {
                keyA = routerA.hostKey();
                a = one.manager.connect(RelayAgent.request(routerA, relay, range));
                assertThat(a.state()).isEqualTo(TunnelState.UP);
                // router A is replaced by router B at the same address and port (A's tunnel process runs on)
                routerA.stopServer();
                try (DbclientRouter routerB = DbclientRouter.start(dir.resolve("routerB"), address, bothKeys)) {
                    TunnelSnapshot b = two.manager.connect(RelayAgent.request(routerB, relay, range));

                    assertThat(b.state()).isEqualTo(TunnelState.UP);
                    assertThat(b.port()).isNotEqualTo(a.port());
                    try (RemoteShell shell = two.openAsAgent(two.state().tunnels().getFirst().spec().relay().address())) {
                        assertThat(TunnelPlumbing.identityProbe().verify(shell, b.port().orElseThrow(), routerB.hostKey(), Duration.ofSeconds(10)))
                                .as("B's port reaches B").isInstanceOf(ProbeResult.Reached.class);
                        assertThat(TunnelPlumbing.identityProbe().verify(shell, a.port().orElseThrow(), keyA, Duration.ofSeconds(10)))
                                .as("A's port now reaches B").isInstanceOf(ProbeResult.Unreached.class);
                    }
                    // the first agent's identity check sees the other key on its port: not UP, and says why
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        TunnelState s = one.manager.tunnel(a.id()).orElseThrow().state();
                        assertThat(s).isNotInstanceOf(TunnelState.Up.class);
                        assertThat(s.reason()).hasValueSatisfying(why -> assertThat(why).contains(keyA.value()));
                    });
                    assertThat(two.manager.tunnel(b.id()).orElseThrow().state()).isInstanceOf(TunnelState.Up.class);
                }
            }
        }
    }
}
