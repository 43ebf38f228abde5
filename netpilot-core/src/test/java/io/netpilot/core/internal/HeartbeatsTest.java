package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.TunnelRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    private final Harness h = new Harness();
    private final InMemoryStateStore store = new InMemoryStateStore();
    private final Instant t0 = Instant.parse("2026-11-30T07:00:00Z");

    @AfterEach
    void close() {
        h.close();
    }

    private TunnelRecord stored(String router) {
        TunnelRecord r = TunnelRecord.requested(h.request(router).spec());
        store.saveTunnel(r);
        return r;
    }

    @Test
    void theHeartbeatsOfAFleetReachTheStoreInOneWriteAtMostEveryInterval() {
        List<TunnelRecord> fleet = List.of(stored("r1.example"), stored("r2.example"), stored("r3.example"));
        Heartbeats heartbeats = new Heartbeats(store, Duration.ofSeconds(10), t0);
        int writes = store.tunnelWrites.get();

        fleet.forEach(r -> heartbeats.passed(r.id(), t0.plusSeconds(9)));
        heartbeats.writeIfDue(t0.plusSeconds(9));
        assertThat(store.tunnelWrites.get()).as("not due yet").isEqualTo(writes);

        heartbeats.passed(fleet.get(0).id(), t0.plusSeconds(10));
        heartbeats.writeIfDue(t0.plusSeconds(10));

        assertThat(store.tunnelWrites.get() - writes).as("one write for three tunnels").isEqualTo(1);
        assertThat(fleet).map(r -> store.tunnel(r.id()).orElseThrow().lastHeartbeat().orElseThrow())
                .containsExactly(t0.plusSeconds(10), t0.plusSeconds(9), t0.plusSeconds(9));
        heartbeats.writeIfDue(t0.plusSeconds(15));
        assertThat(store.tunnelWrites.get() - writes).as("nothing new to write, and not due").isEqualTo(1);
    }

    @Test
    void aTunnelWhoseHeartbeatWentWithAStateChangeIsNotWrittenAgain() {
        TunnelRecord r = stored("r1.example");
        Heartbeats heartbeats = new Heartbeats(store, Duration.ofSeconds(10), t0);
        heartbeats.passed(r.id(), t0.plusSeconds(3));
        heartbeats.written(r.id());
        int writes = store.tunnelWrites.get();

        heartbeats.writeIfDue(t0.plusSeconds(20));

        assertThat(store.tunnelWrites.get()).isEqualTo(writes);
    }
}
