package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.RelayLease;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RevocationResult;
import io.netpilot.core.spi.SweepReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a router (or a crash) can leave where the relay keeps its lock and leases, on the one-account
 * layout where a router's streamlocal {@code -R} can make a socket at any path the account may write:
 * every such leftover is cleared, and sweeps and leases keep agents and routers apart. Real shell,
 * real files and sockets.
 */
class RelayUnderAttackTest {
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPh5mZf9HviOGCexo/CWdXybR9Qx1nxxr2Qu35o43qiq";

    @TempDir
    Path dir;

    private final String marker = UUID.randomUUID().toString();
    private final OpenSshRelayGateway gateway = new OpenSshRelayGateway();
    private final RelayPortAllocator allocator = new RelayPortAllocator();
    private final List<ServerSocketChannel> planted = new ArrayList<>();
    private final RouterId router = RouterId.of(new SshAddress("root", "192.168.1.1", 22));
    private final AgentId agentX = AgentId.of("agent x");
    private final AgentId agentY = AgentId.of("agent y");
    private final HostKeyFingerprint keyA = new HostKeyFingerprint("SHA256:" + "A".repeat(43));
    private final HostKeyFingerprint keyB = new HostKeyFingerprint("SHA256:" + "B".repeat(43));
    private final PortRange range = new PortRange(40100, 40160);
    private LocalShell relay;
    private Path relayDir;

    @BeforeEach
    void setUp() {
        relayDir = dir.resolve("relay");
        relay = new LocalShell(List.of("/bin/sh"), LocalShell.env("HOME", dir.toString(), "NETPILOT_RELAY_DIR", relayDir.toString(),
                "NETPILOT_AUTHORIZED_KEYS", dir.resolve("ssh/authorized_keys").toString()), "", marker);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ServerSocketChannel s : planted) {
            s.close();
        }
        LocalShell.killMarked(marker);
    }

    /** What a router's {@code ssh -R PATH:127.0.0.1:22} leaves: a listening unix socket at {@code path}. */
    private void plantSocket(Path path) throws Exception {
        Files.createDirectories(path.getParent());
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path));
        planted.add(s);
    }

    @Test
    void socketsPlantedAtTheLockAndALeaseDoNotBlockRevokeOrThePort() throws Exception {
        CleanupToken token = new CleanupToken("np_0123abcd_40101_aaaaaa");
        plantSocket(relayDir.resolve("lock"));
        plantSocket(relayDir.resolve("leases/40101"));
        plantSocket(relayDir.resolve("sessions"));
        gateway.authorize(relay, KEY, token, agentX);

        RevocationResult result = gateway.revokeTunnel(relay, token);

        assertThat(result).isEqualTo(new RevocationResult.Revoked(token, false));
        assertThat(Files.readString(dir.resolve("ssh/authorized_keys"))).doesNotContain(token.value());
        PortLease lease = allocator.allocate(relay, new LeaseOwner(agentX, router, keyA), range, OptionalInt.of(40101), Set.of());
        assertThat(lease.port()).isEqualTo(40101);
        assertThat(relayDir.resolve("leases/40101/owner")).isRegularFile();
    }

    @Test
    void aLockHeldByAnEditThatWasKilledIsFreeAtOnce() throws Exception {
        Files.createDirectories(relayDir);
        Process holder = new ProcessBuilder("sh", "-c", "exec 9>>\"$0\"; flock 9; echo locked; exec sleep 300", relayDir.resolve("lock").toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");
            holder.destroyForcibly();
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        CleanupToken token = new CleanupToken("np_0123abcd_40102_aaaaaa");
        long start = System.nanoTime();
        gateway.authorize(relay, KEY, token, agentX);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(Files.readString(dir.resolve("ssh/authorized_keys"))).contains("np:" + token.value() + " agent:" + agentX);
    }

    @Test
    void aRevokeThatCannotGetTheLockSaysSoAndChangesNothing() throws Exception {
        CleanupToken token = new CleanupToken("np_0123abcd_40103_aaaaaa");
        gateway.authorize(relay, KEY, token, agentX);
        Process holder = new ProcessBuilder("sh", "-c", "exec 9>>\"$0\"; flock 9; echo locked; exec sleep 300", relayDir.resolve("lock").toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");

            RevocationResult result = gateway.revokeTunnel(relay, token);

            assertThat(result).isInstanceOfSatisfying(RevocationResult.Failed.class, f -> assertThat(f.reason())
                    .contains("removing the router key of " + token).contains("held for 10s by another agent's edit"));
            assertThat(result.isComplete()).isFalse();
            assertThat(Files.readString(dir.resolve("ssh/authorized_keys"))).contains(token.value());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(gateway.revokeTunnel(relay, token).isComplete()).isTrue();
    }

    @Test
    void aHalfMadeLeaseIsReclaimedOnceItIsOldButNotWhileItMayBeInTheMaking() throws Exception {
        Path old = Files.createDirectories(relayDir.resolve("leases/40110"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(120)));
        Files.createDirectories(relayDir.resolve("leases/40111"));
        LeaseOwner owner = new LeaseOwner(agentX, router, keyA);

        assertThat(allocator.allocate(relay, owner, range, OptionalInt.of(40110), Set.of()).port()).isEqualTo(40110);
        assertThatThrownBy(() -> allocator.allocate(relay, owner, range, OptionalInt.of(40111), Set.of()))
                .isInstanceOf(PortUnavailableException.class);
    }

    @Test
    void twoRoutersAtOneAddressAndOneRouterBehindTwoAgentsGetTheirOwnPorts() {
        LeaseOwner xa = new LeaseOwner(agentX, router, keyA);
        LeaseOwner xb = new LeaseOwner(agentX, router, keyB);
        LeaseOwner ya = new LeaseOwner(agentY, router, keyA);

        int pxa = allocator.allocate(relay, xa, range, OptionalInt.empty(), Set.of()).port();
        int pxb = allocator.allocate(relay, xb, range, OptionalInt.empty(), Set.of()).port();
        int pya = allocator.allocate(relay, ya, range, OptionalInt.empty(), Set.of()).port();

        assertThat(Set.of(pxa, pxb, pya)).hasSize(3);
        assertThat(allocator.allocate(relay, xa, range, OptionalInt.empty(), Set.of()).port()).isEqualTo(pxa);
        assertThatThrownBy(() -> allocator.allocate(relay, xb, range, OptionalInt.of(pxa), Set.of()))
                .isInstanceOf(PortUnavailableException.class);
        assertThat(allocator.relayLeases(relay)).filteredOn(l -> l.port() == pxb).singleElement()
                .satisfies(l -> assertThat(l.isHeldBy(xb)).isTrue())
                .satisfies(l -> assertThat(l.isHeldBy(xa)).isFalse());
        allocator.release(relay, xb, pxa); // not xb's: stays
        assertThat(allocator.relayLeases(relay)).extracting(RelayLease::port).contains(pxa);
        allocator.release(relay, xa, pxa);
        assertThat(allocator.relayLeases(relay)).extracting(RelayLease::port).doesNotContain(pxa);
    }

    @Test
    void aSweepRemovesOnlyWhatThisAgentMadeAndNoLongerWants() throws Exception {
        CleanupToken kept = new CleanupToken("np_0123abcd_40121_aaaaaa");
        CleanupToken orphan = new CleanupToken("np_0123abcd_40122_bbbbbb");
        CleanupToken others = new CleanupToken("np_0123abcd_40123_cccccc");
        CleanupToken untagged = new CleanupToken("np_0123abcd_40124_dddddd");
        gateway.authorize(relay, KEY, kept, agentX);
        gateway.authorize(relay, KEY, orphan, agentX);
        gateway.authorize(relay, KEY, others, agentY);
        gateway.authorize(relay, KEY, untagged);
        allocator.allocate(relay, new LeaseOwner(agentX, router, keyA), range, OptionalInt.of(40121), Set.of());
        allocator.allocate(relay, new LeaseOwner(agentX, router, keyB), range, OptionalInt.of(40122), Set.of());
        allocator.allocate(relay, new LeaseOwner(agentY, router, keyA), range, OptionalInt.of(40123), Set.of());

        SweepReport report = gateway.sweep(relay, agentX, Set.of(kept));

        assertThat(report).isEqualTo(new SweepReport(List.of(orphan), List.of(orphan), List.of(40122)));
        String keys = Files.readString(dir.resolve("ssh/authorized_keys"));
        assertThat(keys).contains(kept.value(), others.value(), untagged.value()).doesNotContain(orphan.value());
        assertThat(relayDir.resolve("sessions/" + kept)).exists();
        assertThat(relayDir.resolve("sessions/" + others)).exists();
        assertThat(relayDir.resolve("sessions/" + orphan)).doesNotExist();
        assertThat(allocator.relayLeases(relay)).extracting(RelayLease::port).containsExactlyInAnyOrder(40121, 40123);
        assertThat(gateway.sweep(relay, agentX, Set.of(kept)).isEmpty()).isTrue();
    }
}
