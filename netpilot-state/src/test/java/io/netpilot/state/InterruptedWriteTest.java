package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer killed with SIGKILL at random moments never leaves a torn file: after each kill the state
 * parses and is the last version the writer reported durable, or the one it was writing.
 */
class InterruptedWriteTest {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptedWriteTest.class);
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    void sigkillDuringWritesNeverTearsTheFile() throws Exception {
        Path homeDir = dir.resolve("home");
        NetPilotHome home = NetPilotHome.at(homeDir);
        SplittableRandom random = new SplittableRandom();
        long t0 = System.nanoTime();
        for (int round = 1; round <= KILLS; round++) {
            long confirmed;
            long started;
            try (ChildJvm child = ChildJvm.start(StateWriterMain.class, dir.resolve("writer-" + round + ".err"), homeDir.toString())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> child.lastLineStartingWith("START ") != null || !child.process().isAlive());
                assertThat(child.lastLineStartingWith("START ")).as("writer started; see " + child.stderrPath() + " " + child.lines()).isNotNull();
                started = Long.parseLong(child.lastLineStartingWith("START ").substring(6));
                LOG.info("round {}: writer {} started after {} ms", round, child.pid(), (System.nanoTime() - t0) / 1_000_000);
                long target = started + 1 + random.nextInt(40);
                await().atMost(Duration.ofSeconds(60)).until(() -> version(child) >= target || !child.process().isAlive());
                assertThat(child.process().isAlive()).as("writer still writing; see " + child.stderrPath()).isTrue();
                child.kill();
                confirmed = version(child);
            }

            StateStore store = StateStores.open(home, Clock.systemUTC());
            assertThat(store.problems()).as("round %d: the file parses", round).isEmpty();
            assertThat(store.tunnels()).as("round %d: nothing lost", round).hasSize(StateWriterMain.FILLER + 1);
            long onDisk = StateWriterMain.versionOf(store.tunnel(TestRecords.requested(0).id()).orElseThrow().lastHeartbeat());
            assertThat(onDisk).as("round %d: the last durable version or the one being written", round).isBetween(confirmed, confirmed + 1);
            assertThat(confirmed).as("round %d: the writer made progress", round).isGreaterThan(started);
            LOG.info("round {}: killed after version {}, file holds {}; {} ms", round, confirmed, onDisk, (System.nanoTime() - t0) / 1_000_000);
        }
        try (Stream<Path> files = Files.list(homeDir)) {
            LOG.info("{} kills, {} temp files left by interrupted writes (ignored, never read as state)", KILLS,
                    files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
        }
    }

    private static long version(ChildJvm child) {
        String last = child.lastLineStartingWith("V ");
        return last == null ? -1 : Long.parseLong(last.substring(2));
    }

}
