package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A home NetPilot must not use: `status` and `agent` end within their bound with the one-line error
 * of the exit-code contract (never a stack trace, never the injector's hundred lines), and change
 * nothing, neither in the home nor behind a link in it.
 */
class BrokenHomeIT {
    @TempDir
    Path dir;

    /** What to break in a fresh home. */
    interface Breakage {
        void apply(Path home) throws Exception;
    }

    static Stream<Arguments> brokenHomes() {
        return Stream.of(
                Arguments.of("a newer schemaVersion", (Breakage) h -> Files.writeString(h.resolve("tunnel-state.json"),
                        "{\"schemaVersion\":4,\"tunnels\":[]}"), "schemaVersion 4"),
                Arguments.of("a directory as tunnel-state.json", (Breakage) h -> Files.createDirectory(h.resolve("tunnel-state.json")),
                        "tunnel-state.json is a directory"),
                Arguments.of("a FIFO as tunnel-state.json", (Breakage) h -> mkfifo(h.resolve("tunnel-state.json")),
                        "tunnel-state.json is a FIFO"),
                Arguments.of("router-connections.json linked to /dev/zero", (Breakage) h -> Files.createSymbolicLink(
                        h.resolve("router-connections.json"), Path.of("/dev/zero")), "is a symbolic link (to /dev/zero)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHomes")
    void statusAndAgentSayOneLineAndExit1(String what, Breakage breakage, String expected) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve("logs"));
        breakage.apply(home);
        List<String> before = listing(home);

        for (String command : List.of("status", "agent")) {
            var r = NetPilotProcess.run(dir, "--home", home.toString(), command);
            assertThat(r.exitCode()).as("%s with %s; stderr: %s", command, what, r.err()).isEqualTo(1);
            assertThat(r.err().strip().lines()).as("%s: one line, got: %s", command, r.err()).hasSize(1);
            assertThat(r.err()).startsWith("netpilot:").contains(expected).doesNotContain("Exception");
            assertThat(listing(home)).as("%s changed nothing (but for the agent's own lock file)", command)
                    .filteredOn(name -> !name.equals("agent.lock")).isEqualTo(before);
        }
    }

    @Test
    void anAgentNeverWritesThroughALinkedLockFile() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.conf"), "precious\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createSymbolicLink(home.resolve("agent.lock"), victim);

        var r = NetPilotProcess.run(dir, "--home", home.toString(), "agent");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("agent.lock is a symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
    }

    @Test
    void aHomeOfAnotherUserIsRefusedAsBadInput() throws Exception {
        Path home;
        if ("root".equals(System.getProperty("user.name"))) {
            home = Files.createDirectories(dir.resolve("alice"));
            UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(home, nobody);
        } else {
            home = Path.of("/");
        }
        List<String> before = listing(home);

        for (String command : List.of("status", "agent")) {
            var r = NetPilotProcess.run(dir, "--home", home.toString(), command);
            assertThat(r.exitCode()).as("%s: %s", command, r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err()).contains("belongs to").contains("not to you");
        }
        assertThat(listing(home)).isEqualTo(before);
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    private static List<String> listing(Path home) throws Exception {
        try (Stream<Path> files = Files.list(home)) {
            return files.map(p -> p.getFileName() + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")).sorted().toList();
        }
    }
}
