package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.PortLease;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateFile;
import io.netpilot.core.StateProblem;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelState;
import io.netpilot.core.UnsupportedSchemaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unreadable state files are moved aside with their bytes intact and the store starts; newer schemas are refused. */
class QuarantineTest {
    private static final Instant T0 = Instant.parse("2026-01-31T10:15:30Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final String STAMP = "20260131T101530.000Z";

    @TempDir
    Path dir;

    /** A home with one tunnel, one lease and one router written by a store; returns it. */
    private NetPilotHome populated() {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        StateStore store = StateStores.open(home, CLOCK);
        store.saveTunnel(TestRecords.full(1, 20001, TunnelState.UP, T0));
        store.savePortLease(new PortLease("relay.example.com:22", 20001, RouterId.of(SshAddress.parse("root@10.0.0.1")), T0));
        store.updateRouterConnection(SshAddress.parse("root@10.0.0.1"), c -> c.succeeded(T0));
        return home;
    }

    static Stream<Arguments> badTunnelFiles() {
        Function<String, String> truncated = valid -> valid.substring(0, valid.length() / 2);
        return Stream.of(
                Arguments.of("empty", (Function<String, String>) valid -> ""),
                Arguments.of("only whitespace", (Function<String, String>) valid -> "  \n"),
                Arguments.of("truncated", truncated),
                Arguments.of("not JSON", (Function<String, String>) valid -> "tunnels: all of them, please"),
                Arguments.of("trailing garbage", (Function<String, String>) valid -> valid + "}{"),
                Arguments.of("a JSON array", (Function<String, String>) valid -> "[1,2,3]"),
                Arguments.of("no schemaVersion", (Function<String, String>) valid -> valid.replace("\"schemaVersion\" : 3,", "")),
                Arguments.of("tunnels of the wrong type", (Function<String, String>) valid -> "{\"schemaVersion\":1,\"tunnels\":\"t1\"}"),
                Arguments.of("port of the wrong type", (Function<String, String>) valid -> valid.replace("\"port\" : 20001", "\"port\" : \"twenty\"")),
                Arguments.of("fractional port", (Function<String, String>) valid -> valid.replace("\"port\" : 20001", "\"port\" : 20001.5")),
                Arguments.of("unknown field", (Function<String, String>) valid -> valid.replace("\"port\" : 20001", "\"prot\" : 20001")),
                Arguments.of("shell word in host", (Function<String, String>) valid -> valid.replace("router1.example.net", "router1;reboot")),
                Arguments.of("token for another port", (Function<String, String>) valid -> valid.replaceFirst("_20001_", "_20002_")),
                Arguments.of("unknown state", (Function<String, String>) valid -> valid.replace("\"UP\"", "\"SIDEWAYS\"")),
                Arguments.of("bad time", (Function<String, String>) valid -> valid.replaceFirst("2026-01-31T10:15:30Z", "yesterday")),
                Arguments.of("missing router", (Function<String, String>) valid -> valid.replaceFirst("\"router\" : \\{[^}]*},", "")),
                Arguments.of("null tunnel", (Function<String, String>) valid -> "{\"schemaVersion\":1,\"tunnels\":[null]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTunnelFiles")
    void aBadTunnelFileIsQuarantinedWithItsBytesAndTheRestLoads(String name, Function<String, String> damage) throws IOException {
        NetPilotHome home = populated();
        String valid = Files.readString(home.tunnelStateFile());
        String bad = damage.apply(valid);
        assertThat(bad).as("the damage took effect").isNotEqualTo(valid);
        Files.writeString(home.tunnelStateFile(), bad);

        StateStore store = StateStores.open(home, CLOCK);

        Path corrupt = home.root().resolve("tunnel-state.json.corrupt-" + STAMP);
        assertThat(corrupt).exists();
        assertThat(Files.readAllBytes(corrupt)).isEqualTo(bad.getBytes(StandardCharsets.UTF_8));
        assertThat(home.tunnelStateFile()).doesNotExist();
        assertThat(store.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(StateFile.TUNNELS);
            assertThat(p.path()).isEqualTo(home.tunnelStateFile());
            assertThat(p.setAsideTo()).hasValue(corrupt);
            assertThat(p.message()).startsWith("tunnel-state.json could not be read").contains(corrupt.toString());
        });
        assertThat(store.tunnels()).isEmpty();
        assertThat(store.portLeases()).as("the other files still load").hasSize(1);
        assertThat(store.routerConnections()).hasSize(1);

        // The store works on: a new tunnel is written, and the quarantined copy is left alone.
        TunnelRecord fresh = TestRecords.requested(7);
        store.saveTunnel(fresh);
        assertThat(StateStores.open(home, CLOCK).tunnels()).containsExactly(fresh);
        assertThat(Files.readAllBytes(corrupt)).isEqualTo(bad.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void badLeaseAndRouterFilesAreQuarantinedToo() throws IOException {
        NetPilotHome home = populated();
        Files.writeString(home.portAllocationsFile(), "{\"schemaVersion\":1,\"leases\":[{\"relay\":\"r:22\",\"port\":0,\"router\":\"0123456789abcdef\",\"leasedAt\":\"2026-01-31T10:15:30Z\"}]}");
        Files.writeString(home.routerConnectionsFile(), "{\"schemaVersion\":1,\"routers\":[{\"router\":\"XYZ\"}]}");

        StateStore store = StateStores.open(home, CLOCK);

        assertThat(store.problems()).extracting(StateProblem::file).containsExactly(StateFile.PORT_LEASES, StateFile.ROUTER_CONNECTIONS);
        assertThat(home.root().resolve("port-allocations.json.corrupt-" + STAMP)).exists();
        assertThat(home.root().resolve("router-connections.json.corrupt-" + STAMP)).exists();
        assertThat(store.tunnels()).hasSize(1);
        assertThat(store.portLeases()).isEmpty();
        assertThat(store.routerConnections()).isEmpty();
    }

    @Test
    void aSecondQuarantineInTheSameMillisecondGetsItsOwnName() throws IOException {
        NetPilotHome home = populated();
        Files.writeString(home.tunnelStateFile(), "first");
        StateStores.open(home, CLOCK);
        Files.writeString(home.tunnelStateFile(), "second");
        StateStore store = StateStores.open(home, CLOCK);

        assertThat(home.root().resolve("tunnel-state.json.corrupt-" + STAMP)).hasContent("first");
        assertThat(home.root().resolve("tunnel-state.json.corrupt-" + STAMP + "-1")).hasContent("second");
        assertThat(store.problems()).hasSize(1);
    }

    @Test
    void aNewerSchemaIsRefusedAndNoFileChanges() throws IOException {
        NetPilotHome home = populated();
        String newer = Files.readString(home.portAllocationsFile()).replace("\"schemaVersion\" : 3", "\"schemaVersion\" : 4");
        Files.writeString(home.portAllocationsFile(), newer);
        // Even a corrupt neighbour is not moved aside when the start is refused.
        Files.writeString(home.tunnelStateFile(), "{ truncated");
        List<String> before = listing(home);

        assertThatThrownBy(() -> StateStores.open(home, CLOCK))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessageContaining("schemaVersion 4")
                .hasMessageContaining("upgrade");

        assertThat(listing(home)).isEqualTo(before);
        assertThat(home.portAllocationsFile()).hasContent(newer);
        assertThat(home.tunnelStateFile()).hasContent("{ truncated");
    }

    @Test
    void anOldTempFileFromACrashIsRemovedAndNeverRead() throws IOException {
        NetPilotHome home = populated();
        Path stale = home.root().resolve(".tunnel-state.json.12345.tmp");
        Path young = home.root().resolve(".tunnel-state.json.67890.tmp");
        Files.writeString(stale, "{\"schemaVersion\":1,\"tun");
        Files.writeString(young, "{\"schemaVersion\":1,\"tunnels\":[]}");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(T0.minusSeconds(3600)));
        Files.setLastModifiedTime(young, java.nio.file.attribute.FileTime.from(T0.minusSeconds(5)));

        StateStore store = StateStores.open(home, CLOCK);

        assertThat(store.problems()).isEmpty();
        assertThat(store.tunnels()).hasSize(1);
        assertThat(stale).doesNotExist();
        assertThat(young).as("a live writer's temp file is left alone").exists();
    }

    private static List<String> listing(NetPilotHome home) throws IOException {
        try (Stream<Path> files = Files.list(home.root())) {
            return files.map(p -> {
                try {
                    return p.getFileName() + "=" + Arrays.hashCode(Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
