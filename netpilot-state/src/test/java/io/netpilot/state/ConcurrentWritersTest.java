package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.RouterConnection;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads updating distinct tunnels and shared counters never lose each other's changes, in memory or on disk. */
class ConcurrentWritersTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 12;
    private static final SshAddress SHARED_ROUTER = SshAddress.parse("root@192.168.1.1");

    @TempDir
    Path dir;

    @Test
    void concurrentSavesAndUpdatesAreAllKept() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        StateStore store = StateStores.open(home, Clock.systemUTC());
        CyclicBarrier go = new CyclicBarrier(THREADS);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    SshAddress own = SshAddress.parse("root@10.1.0." + (thread + 1));
                    for (int i = 0; i < ROUNDS; i++) {
                        TunnelRecord record = TestRecords.requested(thread * 1000 + i);
                        store.saveTunnel(record);
                        store.updateTunnel(record.id(), r -> r.withState(TunnelState.UP).withHeartbeat(Instant.ofEpochSecond(thread)));
                        store.updateRouterConnection(SHARED_ROUTER, c -> c.succeeded(Instant.ofEpochSecond(1)));
                        store.updateRouterConnection(own, c -> c.failed("attempt " + thread));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        }

        assertEverythingKept(store);
        assertEverythingKept(StateStores.open(home, Clock.systemUTC()));
    }

    private static void assertEverythingKept(StateStore store) {
        assertThat(store.problems()).isEmpty();
        assertThat(store.tunnels()).hasSize(THREADS * ROUNDS)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo(TunnelState.UP))
                .allSatisfy(r -> assertThat(r.lastHeartbeat()).isPresent());
        assertThat(store.routerConnections()).hasSize(THREADS + 1);
        RouterConnection shared = store.routerConnections().stream()
                .filter(c -> c.address().equals(SHARED_ROUTER)).findFirst().orElseThrow();
        assertThat(shared.successes()).isEqualTo((long) THREADS * ROUNDS);
        assertThat(store.routerConnections()).filteredOn(c -> !c.address().equals(SHARED_ROUTER))
                .allSatisfy(c -> assertThat(c.failures()).isEqualTo(ROUNDS));
    }
}
