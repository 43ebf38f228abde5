package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relay port leases, in a real shell over a real lease directory. */
class RelayPortAllocatorTest {
    @TempDir
    Path dir;

    private final String marker = UUID.randomUUID().toString();
    private final RelayPortAllocator allocator = new RelayPortAllocator();
    private final RouterId a = RouterId.of(new SshAddress("root", "router-a", 22));
    private final RouterId b = RouterId.of(new SshAddress("root", "router-b", 22));
    private LocalShell relay;
    private ServerSocket taken;
    private PortRange range;

    @BeforeEach
    void setUp() throws Exception {
        relay = new LocalShell(List.of("/bin/sh"), LocalShell.env("HOME", dir.toString(), "NETPILOT_RELAY_DIR", dir.resolve("relay").toString()), "", marker);
        taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // A range that starts at a port some other program listens on.
        range = new PortRange(taken.getLocalPort(), Math.min(65535, taken.getLocalPort() + 40));
    }

    @AfterEach
    void tearDown() throws Exception {
        taken.close();
        LocalShell.killMarked(marker);
    }

    @Test
    void skipsAListeningPortAndGivesARouterItsPortBack() {
        PortLease first = allocator.allocate(relay, a, range, OptionalInt.empty(), Set.of());
        assertThat(first.port()).isNotEqualTo(taken.getLocalPort()).isBetween(range.first(), range.last());
        assertThat(first.router()).isEqualTo(a);

        PortLease again = allocator.allocate(relay, a, range, OptionalInt.empty(), Set.of());
        assertThat(again).isEqualTo(first);

        PortLease other = allocator.allocate(relay, b, range, OptionalInt.empty(), Set.of());
        assertThat(other.port()).isNotEqualTo(first.port()).isNotEqualTo(taken.getLocalPort());

        PortLease moved = allocator.allocate(relay, a, range, OptionalInt.empty(), Set.of(first.port()));
        assertThat(moved.port()).isNotIn(first.port(), other.port(), taken.getLocalPort());
        assertThat(allocator.leases(relay)).extracting(PortLease::port).containsExactlyInAnyOrder(first.port(), other.port(), moved.port());
    }

    @Test
    void aRequestedPortIsThatPortOrAClearRefusal() {
        int wanted = range.first() + 5;
        assertThat(allocator.allocate(relay, a, range, OptionalInt.of(wanted), Set.of()).port()).isEqualTo(wanted);
        assertThatThrownBy(() -> allocator.allocate(relay, b, range, OptionalInt.of(wanted), Set.of()))
                .isInstanceOf(PortUnavailableException.class).hasMessageContaining("leased to router " + a);
        assertThatThrownBy(() -> allocator.allocate(relay, b, range, OptionalInt.of(taken.getLocalPort()), Set.of()))
                .isInstanceOf(PortUnavailableException.class).hasMessageContaining("in use");
    }

    @Test
    void onlyTheOwnerReleases() {
        PortLease lease = allocator.allocate(relay, a, range, OptionalInt.empty(), Set.of());
        allocator.release(relay, b, lease.port());
        assertThat(allocator.leases(relay)).contains(lease);
        allocator.release(relay, a, lease.port());
        assertThat(allocator.leases(relay)).isEmpty();
        allocator.release(relay, a, lease.port()); // already gone: not an error
    }

    @Test
    void aFullRangeIsRefused() {
        PortRange one = new PortRange(taken.getLocalPort(), taken.getLocalPort());
        assertThatThrownBy(() -> allocator.allocate(relay, a, one, OptionalInt.empty(), Set.of()))
                .isInstanceOf(PortUnavailableException.class).hasMessageContaining("no free relay port");
    }

    @Test
    void racingAgentsNeverShareAPort() throws Exception {
        int routers = 16;
        List<Future<PortLease>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < routers; i++) {
                RouterId r = RouterId.of(new SshAddress("root", "router-" + i, 22));
                results.add(pool.submit(() -> allocator.allocate(relay, r, range, OptionalInt.empty(), Set.of())));
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (Future<PortLease> f : results) {
            ports.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS).port());
        }
        assertThat(ports).hasSize(routers).doesNotContain(taken.getLocalPort());
        assertThat(allocator.leases(relay)).hasSize(routers);
    }

    @Test
    void oneAllocationIsOneQuickCommand() {
        long start = System.nanoTime();
        allocator.allocate(relay, a, range, OptionalInt.empty(), Set.of());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
