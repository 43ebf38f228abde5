package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netpilot.core.InvalidInputException;
import io.netpilot.core.StateCorruptException;
import io.netpilot.core.StateStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home someone else prepared: another user's directory, links where NetPilot's files belong, a FIFO
 * or a device as a state file, a file of gigabytes. Each is refused with one clear error (or set aside,
 * for an oversized file), within a bound, and nothing outside the home is touched.
 */
class HostileHomeTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void aHomeOwnedByAnotherUserIsRefusedBeforeAnythingChanges() throws Exception {
        Path foreign;
        if (root()) {
            foreign = Files.createDirectories(dir.resolve("alices-home"));
            Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwxr-xr-x"));
            UserPrincipal nobody = foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(foreign, nobody);
        } else {
            foreign = Path.of("/"); // root's, and never changed: the check comes first
        }
        String modeBefore = PosixFilePermissions.toString(Files.getPosixFilePermissions(foreign));

        assertThatThrownBy(() -> NetPilotHome.at(foreign))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("belongs to")
                .hasMessageContaining("not to you")
                .hasMessageContaining("nothing was changed");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(foreign))).isEqualTo(modeBefore);
        assertThat(foreign.resolve("logs")).doesNotExist();
    }

    @Test
    void aLinkToAnotherUsersHomeIsRefusedToo() throws Exception {
        Path target = Files.createDirectories(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(dir.resolve("home-link"), target);
        if (root()) {
            UserPrincipal nobody = link.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.getFileAttributeView(link, java.nio.file.attribute.PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setOwner(nobody);
            assertThatThrownBy(() -> NetPilotHome.at(link)).isInstanceOf(InvalidInputException.class).hasMessageContaining("belongs to");
        } else {
            assertThat(NetPilotHome.at(link).root()).isEqualTo(link); // one's own link to one's own directory is fine
        }
    }

    @Test
    void aLockFileLinkedToAnotherFileIsNeverEmptiedNorChmodded() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        Files.createSymbolicLink(home.lockFile(), victim);

        assertThatThrownBy(() -> AgentLock.acquire(home))
                .isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("agent.lock is a symbolic link");
        assertThatThrownBy(() -> NetPilotHome.at(home.root()))
                .isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("symbolic link");
        assertThat(AgentLock.recordedPid(home)).as("not read through the link either").isEmpty();

        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
        // the refused attempt left nothing behind: with the link gone the lock is taken normally
        Files.delete(home.lockFile());
        try (AgentLock lock = AgentLock.acquire(home)) {
            assertThat(lock.isHeld()).isTrue();
        }
    }

    @Test
    void linkedLogsOrLinkedKeysAreRefused() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path logsHome = Files.createDirectories(dir.resolve("h1"));
        Files.createSymbolicLink(logsHome.resolve("logs"), outside);
        assertThatThrownBy(() -> NetPilotHome.at(logsHome)).isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("logs").hasMessageContaining("symbolic link");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside))).as("not chmod-ed through the link")
                .isEqualTo("rwxr-xr-x");

        NetPilotHome logFile = NetPilotHome.at(dir.resolve("h2"));
        Files.createSymbolicLink(logFile.logsDir().resolve("netpilot.log"), outside.resolve("x"));
        assertThatThrownBy(() -> NetPilotHome.at(logFile.root())).isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("netpilot.log is a symbolic link");

        NetPilotHome key = NetPilotHome.at(dir.resolve("h3"));
        Files.createSymbolicLink(key.knownHostsFile(), outside.resolve("known_hosts"));
        assertThatThrownBy(() -> NetPilotHome.at(key.root())).isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("known_hosts is a symbolic link");
    }

    @Test
    void aFifoStateFileIsRefusedAndNeverBlocks() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        mkfifo(home.tunnelStateFile());

        assertTimeoutPreemptively(BOUND, () -> {
            assertThatThrownBy(() -> StateStores.view(home)).isInstanceOf(StateCorruptException.class).hasMessageContaining("is a FIFO");
            assertThatThrownBy(() -> StateStores.open(home, Clock.systemUTC())).isInstanceOf(StateCorruptException.class)
                    .hasMessageContaining("is a FIFO");
            assertThatThrownBy(() -> NetPilotHome.at(home.root())).isInstanceOf(StateCorruptException.class);
        });
        assertThat(Files.isRegularFile(home.tunnelStateFile(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(home.tunnelStateFile(), LinkOption.NOFOLLOW_LINKS)).as("left where it was").isTrue();
    }

    @Test
    void aStateFileLinkedToDevZeroIsRefusedWithoutReadingIt() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        Files.createSymbolicLink(home.routerConnectionsFile(), Path.of("/dev/zero"));

        assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(() -> StateStores.view(home))
                .isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("router-connections.json is a symbolic link (to /dev/zero)"));
        assertThatThrownBy(() -> NetPilotHome.readFile(home.routerConnectionsFile())).isInstanceOf(StateCorruptException.class);
    }

    @Test
    void aStateFileOfManyMegabytesIsSetAsideNotLoaded() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        try (RandomAccessFile big = new RandomAccessFile(home.portAllocationsFile().toFile(), "rw")) {
            big.setLength(64L * 1024 * 1024); // sparse: cheap on disk, 64 MiB to a reader
        }

        StateStore view = StateStores.view(home);
        assertThat(view.problems()).singleElement().asString().contains("port-allocations.json").contains("larger than");
        assertThat(home.portAllocationsFile()).as("the view leaves it in place").exists();

        StateStore store = StateStores.open(home, Clock.systemUTC());
        assertThat(store.portLeases()).isEmpty();
        assertThat(store.problems()).singleElement().asString().contains("moved to");
        assertThat(home.portAllocationsFile()).doesNotExist();
        try (Stream<Path> files = Files.list(home.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("port-allocations.json.corrupt-"));
        }
    }

    @Test
    void aSmallRegularFileIsReadWhole() throws IOException {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        byte[] content = "{\"relay\":\"tunnel@relay.example.com\"}".repeat(5000).getBytes(StandardCharsets.UTF_8);
        Files.write(home.configFile(), content);
        assertThat(NetPilotHome.readFile(home.configFile())).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
        assertThat(NetPilotHome.readFile(home.root().resolve("missing.json"))).isEmpty();
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
}
