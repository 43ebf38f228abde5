package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.PortLease;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateCorruptException;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file written by one store is read back equal by another, and is private to its owner. */
class StateRoundTripTest {
    private static final Instant T0 = Instant.parse("2026-01-31T10:15:30.123456789Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private NetPilotHome home() {
        return NetPilotHome.at(dir.resolve("home"));
    }

    @Test
    void everyFileRoundTripsThroughANewStore() throws IOException {
        NetPilotHome home = home();
        StateStore first = StateStores.open(home, CLOCK);
        List<TunnelRecord> tunnels = List.of(
                TestRecords.requested(1),
                TestRecords.full(2, 20002, TunnelState.UP, T0),
                TestRecords.full(3, 20003, new TunnelState.Degraded("probe took 2.5 s"), T0),
                TestRecords.full(4, 20004, new TunnelState.Failed("relay refused \"key\"\nsecond line"), T0),
                TestRecords.full(5, 20005, TunnelState.STOPPED, T0));
        tunnels.forEach(first::saveTunnel);
        RouterId r1 = RouterId.of(SshAddress.parse("root@192.168.1.1"));
        PortLease lease1 = new PortLease("relay.example.com:22", 20001, r1, T0);
        PortLease lease2 = new PortLease("[2001:db8::1]:2222", 20002, r1, T0.plusSeconds(5));
        first.savePortLease(lease1);
        first.savePortLease(lease2);
        RouterConnection c1 = first.updateRouterConnection(SshAddress.parse("root@192.168.1.1"), c -> c.succeeded(T0).succeeded(T0).failed("timeout"));
        RouterConnection c2 = first.updateRouterConnection(SshAddress.parse("admin@[fe80::1]:2022"), c -> c);

        StateStore second = StateStores.open(home, CLOCK);

        assertThat(second.problems()).isEmpty();
        assertThat(second.tunnels()).containsExactlyElementsOf(tunnels);
        assertThat(second.tunnel(tunnels.get(3).id())).contains(tunnels.get(3));
        assertThat(second.portLeases()).containsExactly(lease1, lease2);
        assertThat(second.routerConnections()).containsExactly(c1, c2);
        assertThat(c1.successes()).isEqualTo(2);
        assertThat(c1.failures()).isEqualTo(1);
        assertThat(c2).isEqualTo(RouterConnection.firstSeen(SshAddress.parse("admin@[fe80::1]:2022")));

        for (Path file : List.of(home.tunnelStateFile(), home.portAllocationsFile(), home.routerConnectionsFile())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.root()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.logsDir()))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(home.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file is left behind")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void filesHaveTheDocumentedHandEditableShape() throws IOException {
        NetPilotHome home = home();
        StateStore store = StateStores.open(home, CLOCK);
        TunnelRecord full = TestRecords.full(2, 20002, new TunnelState.Recovering("no banner"), T0);
        store.saveTunnel(full);
        store.saveTunnel(TestRecords.requested(1));
        store.savePortLease(new PortLease("relay.example.com:22", 20001, RouterId.of(SshAddress.parse("root@192.168.1.1")), T0));
        store.updateRouterConnection(SshAddress.parse("root@192.168.1.1"), c -> c.failed("refused"));

        ObjectMapper json = new ObjectMapper();
        String text = Files.readString(home.tunnelStateFile());
        assertThat(text).as("pretty-printed for people").contains("\n  \"tunnels\"").endsWith("}\n");
        JsonNode tunnels = json.readTree(text);
        assertThat(tunnels.get("schemaVersion").asInt()).isEqualTo(3);
        JsonNode t = tunnels.get("tunnels").get(0);
        assertThat(t.fieldNames()).toIterable().containsExactly("id", "router", "relay", "targetPort", "portRange",
                "requestedPort", "leaseTtlSeconds", "port", "token", "state", "reason", "established", "lastHeartbeat");
        assertThat(t.get("id").asText()).isEqualTo(full.id().value());
        assertThat(t.get("router").get("host").asText()).isEqualTo("router2.example.net");
        assertThat(t.get("router").get("hostKey").asText()).startsWith("SHA256:");
        assertThat(t.get("relay").get("tunnelUser").asText()).isEqualTo("tunnel");
        assertThat(t.get("portRange").asText()).isEqualTo("20000-20999");
        assertThat(t.get("leaseTtlSeconds").toString()).isEqualTo("90.5");
        assertThat(t.get("port").asInt()).isEqualTo(20002);
        assertThat(t.get("token").asText()).matches("np_[0-9a-f]{8}_20002_[0-9a-z]{6}");
        assertThat(t.get("state").asText()).isEqualTo("RECOVERING");
        assertThat(t.get("reason").asText()).isEqualTo("no banner");
        assertThat(t.get("established").asText()).isEqualTo("2026-01-31T10:15:30.123456789Z");
        JsonNode minimal = tunnels.get("tunnels").get(1);
        assertThat(minimal.get("leaseTtlSeconds").toString()).isEqualTo("120");
        assertThat(minimal.get("router").get("hostKey").isNull()).isTrue();
        assertThat(minimal.get("token").isNull()).isTrue();
        assertThat(minimal.get("state").asText()).isEqualTo("CONNECTING");

        JsonNode lease = json.readTree(home.portAllocationsFile().toFile());
        assertThat(lease.get("schemaVersion").asInt()).isEqualTo(3);
        assertThat(lease.get("leases").get(0).fieldNames()).toIterable().containsExactly("relay", "port", "router", "leasedAt");
        assertThat(lease.get("leases").get(0).get("router").asText()).matches("[0-9a-f]{16}");

        JsonNode routers = json.readTree(home.routerConnectionsFile().toFile());
        JsonNode r = routers.get("routers").get(0);
        assertThat(r.get("address").asText()).isEqualTo("root@192.168.1.1:22");
        assertThat(r.get("failures").asLong()).isEqualTo(1);
        assertThat(r.get("lastError").asText()).isEqualTo("refused");
        assertThat(r.get("lastConnected").isNull()).isTrue();
    }

    @Test
    void removalsAndUpdatesAreDurable() {
        NetPilotHome home = home();
        StateStore store = StateStores.open(home, CLOCK);
        TunnelRecord a = TestRecords.requested(1);
        TunnelRecord b = TestRecords.requested(2);
        store.saveTunnel(a);
        store.saveTunnel(b);
        store.savePortLease(new PortLease("relay.example.com:22", 20001, RouterId.of(SshAddress.parse("root@10.0.0.2")), T0));

        assertThat(store.removeTunnel(a.id())).isTrue();
        assertThat(store.removeTunnel(a.id())).isFalse();
        assertThat(store.updateTunnel(a.id(), r -> r.withState(TunnelState.UP))).isEmpty();
        assertThat(store.updateTunnel(b.id(), r -> r.withState(TunnelState.UP))).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(TunnelState.UP));
        assertThat(store.removePortLease("relay.example.com:22", 20001)).isTrue();
        assertThat(store.removePortLease("relay.example.com:22", 20001)).isFalse();

        StateStore reread = StateStores.open(home, CLOCK);
        assertThat(reread.tunnels()).containsExactly(b.withState(TunnelState.UP));
        assertThat(reread.portLeases()).isEmpty();
    }

    @Test
    void anUpdateMayNotChangeTheIdAndThenChangesNothing() {
        NetPilotHome home = home();
        StateStore store = StateStores.open(home, CLOCK);
        TunnelRecord a = TestRecords.requested(1);
        store.saveTunnel(a);

        assertThatThrownBy(() -> store.updateTunnel(a.id(), r -> TestRecords.requested(2))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.updateRouterConnection(SshAddress.parse("root@10.0.0.1"),
                c -> RouterConnection.firstSeen(SshAddress.parse("root@10.0.0.9")))).isInstanceOf(InvalidInputException.class);

        assertThat(store.tunnels()).containsExactly(a);
        assertThat(store.routerConnections()).isEmpty();
        assertThat(StateStores.open(home, CLOCK).tunnels()).containsExactly(a);
    }

    @Test
    void aFailedWriteLeavesMemoryAsItWasAndNoTempFileBehind() throws IOException {
        NetPilotHome home = home();
        StateStore store = StateStores.open(home, CLOCK);
        TunnelRecord a = TestRecords.requested(1);
        store.saveTunnel(a);
        // A non-empty directory where the file should be: the rename fails, even for root.
        Files.delete(home.tunnelStateFile());
        Files.createDirectories(home.tunnelStateFile().resolve("in-the-way"));

        assertThatThrownBy(() -> store.saveTunnel(TestRecords.requested(2)))
                .isInstanceOf(StateCorruptException.class)
                .hasMessageContaining("previous state is intact");

        assertThat(store.tunnels()).containsExactly(a);
        assertThat(store.tunnel(TestRecords.requested(2).id())).isEqualTo(Optional.empty());
        try (Stream<Path> files = Files.list(home.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
