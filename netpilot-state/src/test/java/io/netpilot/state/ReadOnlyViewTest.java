package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.StateFile;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view that status uses: it reads like the store, reports what it cannot read, and changes nothing. */
class ReadOnlyViewTest {
    @TempDir
    Path dir;

    @Test
    void readsWhatTheStoreWrote() {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        StateStores.open(home, Clock.systemUTC()).saveTunnel(TestRecords.full(1, 20001, TunnelState.UP, Instant.parse("2026-11-27T10:00:00Z")));

        StateStore view = StateStores.view(home);

        assertThat(view.tunnels()).hasSize(1);
        assertThat(view.tunnels().get(0).port()).hasValue(20001);
        assertThat(view.problems()).isEmpty();
    }

    @Test
    void reportsAnUnreadableFileButLeavesItWhereItIs() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        Files.writeString(home.tunnelStateFile(), "{\"schemaVersion\":1,\"tunnels\":[", StandardCharsets.UTF_8);
        List<Path> before = listing(home.root());

        StateStore view = StateStores.view(home);

        assertThat(view.tunnels()).isEmpty();
        assertThat(view.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(StateFile.TUNNELS);
            assertThat(p.path()).isEqualTo(home.tunnelStateFile());
            assertThat(p.reason()).contains("not valid JSON");
            assertThat(p.setAsideTo()).as("a view moves nothing").isEmpty();
            assertThat(p.message()).contains("tunnel-state.json").contains("next agent start");
        });
        assertThat(listing(home.root())).isEqualTo(before);
        assertThat(Files.readString(home.tunnelStateFile())).isEqualTo("{\"schemaVersion\":1,\"tunnels\":[");

        // The agent's own store still sets it aside, so the agent learns of the problem at its start.
        assertThat(StateStores.open(home, Clock.systemUTC()).problems()).singleElement()
                .satisfies(p -> assertThat(p.setAsideTo()).hasValueSatisfying(dest -> assertThat(dest.getFileName().toString())
                        .startsWith("tunnel-state.json.corrupt-")));
    }

    @Test
    void refusesEveryChange() {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        StateStore view = StateStores.view(home);

        assertThatThrownBy(() -> view.saveTunnel(TestRecords.requested(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        assertThat(home.tunnelStateFile()).doesNotExist();
    }

    private static List<Path> listing(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }
}
