package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.AgentAlreadyRunningException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agent per home, across processes and within one, and a dead holder never blocks the next. */
class AgentLockTest {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private NetPilotHome home() {
        return NetPilotHome.at(dir.resolve("home"));
    }

    private ChildJvm holder(String name) throws Exception {
        ChildJvm child = ChildJvm.start(LockHolderMain.class, dir.resolve(name + ".err"), dir.resolve("home").toString(), "hold");
        await().atMost(START).until(() -> child.lastLineStartingWith("LOCKED ") != null || !child.process().isAlive());
        assertThat(child.lastLineStartingWith("LOCKED ")).as("child took the lock; see " + child.stderrPath() + " " + child.lines())
                .isEqualTo("LOCKED " + child.pid());
        return child;
    }

    @Test
    void aSecondAgentInAnotherProcessIsRefusedWithTheFirstOnesPidUntilItReleases() throws Exception {
        NetPilotHome home = home();
        try (ChildJvm first = holder("first")) {
            assertThat(AgentLock.recordedPid(home)).hasValue(first.pid());

            assertThatThrownBy(() -> AgentLock.acquire(home))
                    .isInstanceOfSatisfying(AgentAlreadyRunningException.class, e -> assertThat(e.ownerPid()).isEqualTo(first.pid()))
                    .hasMessageContaining("pid " + first.pid())
                    .hasMessageContaining(home.toString());

            first.send("release");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.lines().contains("RELEASED"));
            try (AgentLock mine = AgentLock.acquire(home)) {
                assertThat(mine.isHeld()).isTrue();
                assertThat(AgentLock.recordedPid(home)).hasValue(ProcessHandle.current().pid());
            }
        }
    }

    @Test
    void aChildIsRefusedWhileThisProcessHoldsTheLock() throws Exception {
        NetPilotHome home = home();
        try (AgentLock mine = AgentLock.acquire(home)) {
            // Asking for the pid in the holder's own JVM must not drop the lock (POSIX drops a
            // process's fcntl locks when it closes ANY descriptor of the file; a regression test).
            assertThat(AgentLock.recordedPid(home)).hasValue(ProcessHandle.current().pid());
            // A second acquire through another path to the same home is refused without opening the file.
            assertThatThrownBy(() -> AgentLock.acquire(NetPilotHome.at(dir.resolve("home/../home"))))
                    .isInstanceOf(AgentAlreadyRunningException.class);
            try (ChildJvm child = ChildJvm.start(LockHolderMain.class, dir.resolve("try.err"), home.root().toString(), "try")) {
                assertThat(child.awaitExit()).as("exit code; see " + child.stderrPath()).isEqualTo(3);
                assertThat(child.lines()).containsExactly("REFUSED " + ProcessHandle.current().pid());
                assertThat(mine.isHeld()).as("a refused attempt does not disturb the holder").isTrue();
            }
        }
    }

    @Test
    void aKilledHolderLeavesNothingThatBlocksTheNextAgent() throws Exception {
        NetPilotHome home = home();
        try (ChildJvm crashed = holder("crashed")) {
            crashed.kill();
        }
        try (AgentLock mine = AgentLock.acquire(home)) {
            assertThat(mine.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(AgentLock.recordedPid(home)).hasValue(mine.pid());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.lockFile()))).isEqualTo("rw-------");
        }
    }

    @Test
    void theSameJvmCannotHoldTheLockTwiceAndMayTakeItAgainAfterClosing() throws Exception {
        NetPilotHome home = home();
        AgentLock first = AgentLock.acquire(home);
        try {
            assertThatThrownBy(() -> AgentLock.acquire(NetPilotHome.at(dir.resolve("home/../home"))))
                    .isInstanceOfSatisfying(AgentAlreadyRunningException.class,
                            e -> assertThat(e.ownerPid()).isEqualTo(ProcessHandle.current().pid()))
                    .hasCauseInstanceOf(OverlappingFileLockException.class);
            Path link = Files.createSymbolicLink(dir.resolve("link"), home.root());
            assertThatThrownBy(() -> AgentLock.acquire(NetPilotHome.at(link))).as("the same home through a symlink")
                    .isInstanceOf(AgentAlreadyRunningException.class);
            assertThat(first.isHeld()).isTrue();
        } finally {
            first.close();
        }
        first.close(); // idempotent
        assertThat(first.isHeld()).isFalse();
        assertThat(AgentLock.recordedPid(home)).as("a released lock names nobody").isEmpty();
        try (AgentLock again = AgentLock.acquire(home)) {
            assertThat(again.isHeld()).isTrue();
        }
    }
}
