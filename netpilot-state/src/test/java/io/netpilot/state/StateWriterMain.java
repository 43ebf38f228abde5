package io.netpilot.state;

import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Child process of {@link InterruptedWriteTest}: keeps rewriting {@code tunnel-state.json} as fast as
 * it can, each version with a higher heartbeat on tunnel 0, and prints each version number once
 * {@code saveTunnel} has returned (so it is durable). Never ends by itself.
 */
public final class StateWriterMain {
    /** Filler tunnels that make each write long enough to be interrupted. */
    static final int FILLER = 150;

    private StateWriterMain() {}

    public static void main(String[] args) {
        StateStore store = StateStores.open(NetPilotHome.at(Path.of(args[0])), Clock.systemUTC());
        if (!store.problems().isEmpty()) {
            System.out.println("PROBLEM " + store.problems());
            System.exit(2);
        }
        if (store.tunnels().isEmpty()) {
            for (int i = FILLER; i >= 1; i--) {
                store.saveTunnel(TestRecords.requested(i));
            }
            store.saveTunnel(TestRecords.requested(0).withHeartbeat(Instant.ofEpochSecond(0)));
        }
        TunnelRecord counter = store.tunnel(TestRecords.requested(0).id()).orElseThrow();
        long version = versionOf(counter.lastHeartbeat());
        System.out.println("START " + version);
        System.out.flush();
        while (true) {
            version++;
            store.saveTunnel(counter.withHeartbeat(Instant.ofEpochSecond(version)));
            System.out.println("V " + version);
            System.out.flush();
        }
    }

    static long versionOf(Optional<Instant> heartbeat) {
        return heartbeat.orElseThrow().getEpochSecond();
    }
}
