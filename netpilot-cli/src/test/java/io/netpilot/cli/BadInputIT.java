package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is one clear line on stderr, exit 2, and the home is left exactly as it was. */
class BadInputIT {
    @TempDir
    Path dir;

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of(List.of("connect", "--router", "root@host;rm -rf /", "--relay", "tunnel@relay.example.com"), "not a host name"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1:0", "--relay", "tunnel@relay.example.com"), "port"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1:70000", "--relay", "tunnel@relay.example.com"), "port"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1", "--relay", "tunnel@relay.example.com", "--port", "70000"), "port"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1", "--relay", "tunnel@relay.example.com", "--router-key", "/nonexistent/key"), "not a readable file"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1"), "--relay is missing"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1", "--relay", "tunnel@relay.example.com", "--port-range", "30-20"), "empty"),
                Arguments.of(List.of("connect", "--router", "root@192.168.1.1", "--relay", "tunnel@relay.example.com", "--lease-ttl", "soon"), "duration"),
                Arguments.of(List.of("cleanup", "--router", "root@$(reboot)"), "not a host name"),
                Arguments.of(List.of("disconnect", "NOT_AN_ID"), "tunnel id"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void refusedWithExit2AndNothingChanged(List<String> args, String expected) throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Path state = home.resolve("tunnel-state.json");
        Files.writeString(state, "{\"schemaVersion\":1,\"tunnels\":[]}");
        List<Path> before = listing(home);

        List<String> all = new java.util.ArrayList<>(List.of("--home", home.toString()));
        all.addAll(args);
        var result = NetPilotProcess.run(dir, all.toArray(String[]::new));

        assertThat(result.exitCode()).as("stderr: %s", result.err()).isEqualTo(2);
        assertThat(result.err().strip().lines()).as("one clear line").hasSize(1);
        assertThat(result.err()).contains(expected);
        assertThat(listing(home)).isEqualTo(before);
        assertThat(Files.readString(state)).isEqualTo("{\"schemaVersion\":1,\"tunnels\":[]}");
    }

    private static List<Path> listing(Path home) throws Exception {
        try (Stream<Path> files = Files.walk(home)) {
            return files.sorted().toList();
        }
    }
}
