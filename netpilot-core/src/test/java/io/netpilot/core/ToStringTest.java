package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The exported values print as a person reads them in a log, and never print a secret. */
class ToStringTest {
    private static final SshAddress ROUTER = SshAddress.parse("root@192.0.2.7:2222");
    private static final SshAddress RELAY = SshAddress.parse("np@relay.example");
    private static final TunnelSpec SPEC = TunnelSpec.of(RouterEndpoint.of(ROUTER), RelayEndpoint.of(RELAY), 22);

    @Test
    void aConnectRequestNeverPrintsAPassword() {
        char[] secret = "hunter2-very-secret".toCharArray();
        ConnectRequest request = new ConnectRequest(SPEC, new Credentials.Password(secret),
                new Credentials.KeyFile(Path.of("/keys/relay_ed25519")), HostKeyPolicy.ACCEPT_NEW);

        assertThat(request.toString())
                .doesNotContain("hunter2").doesNotContain("very-secret")
                .contains(SPEC.id().value(), "root@192.0.2.7:2222", "np@relay.example:22")
                .contains("router login password ****", "relay login key /keys/relay_ed25519", "ACCEPT_NEW");
    }

    @Test
    void aSpecSaysWhereTheTunnelGoes() {
        assertThat(SPEC.toString()).isEqualTo(SPEC.id() + ": root@192.0.2.7:2222 port 22 to relay np@relay.example:22"
                + " (relay port in " + PortRange.DEFAULT + ", lease PT2M)");
    }

    @Test
    void aSnapshotSaysItsStatePortAndRoundTrip() {
        TunnelSnapshot snapshot = new TunnelSnapshot(SPEC.id(), ROUTER, RELAY, new TunnelState.Degraded("probes are slow"),
                OptionalInt.of(20001), Instant.parse("2026-11-30T04:00:00Z"), Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofMillis(12)));

        assertThat(snapshot.toString()).isEqualTo(SPEC.id() + " DEGRADED (probes are slow) root@192.0.2.7:2222 -> relay port 20001"
                + " via np@relay.example:22, since 2026-11-30T04:00:00Z, rtt 12ms");
    }

    @Test
    void aSnapshotWithoutAPortSaysSo() {
        TunnelSnapshot snapshot = new TunnelSnapshot(SPEC.id(), ROUTER, RELAY, TunnelState.CONNECTING, OptionalInt.empty(),
                Instant.parse("2026-11-30T04:00:00Z"), Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(snapshot.toString()).contains("CONNECTING", "relay port none").doesNotContain("rtt");
    }
}
