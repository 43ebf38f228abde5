package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 3: a revocation that {@code disconnect} could not finish is kept in tunnel-state.json beside
 * the wanted tunnels, survives a restart, and files of schema 2, which have none, still load.
 */
class PendingRevocationsTest {
    private static final Instant T0 = Instant.parse("2026-01-31T10:15:30Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aPendingRevocationSurvivesARestartBesideTheTunnelsAndIsForgottenWhenDone() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        TunnelRecord wanted = TestRecords.full(1, 20001, TunnelState.UP, T0);
        TunnelRecord gone = TestRecords.full(2, 20002, TunnelState.UP, T0);
        PendingRevocation pending = new PendingRevocation(gone.spec(), gone.token().orElseThrow(),
                "the relay authorization could not be revoked: lock is held", T0);
        StateStore first = StateStores.open(home, CLOCK);
        first.saveTunnel(wanted);
        first.savePendingRevocation(pending);
        first.saveTunnel(wanted.withState(TunnelState.STOPPED)); // a later tunnel write keeps it

        StateStore second = StateStores.open(home, CLOCK);
        assertThat(second.problems()).isEmpty();
        assertThat(second.pendingRevocations()).containsExactly(pending);
        assertThat(second.tunnels()).extracting(TunnelRecord::id).containsExactly(wanted.id());
        JsonNode file = new ObjectMapper().readTree(home.tunnelStateFile().toFile());
        assertThat(file.path("schemaVersion").asInt()).isEqualTo(3);
        assertThat(file.path("pendingRevocations").get(0).path("token").asText()).isEqualTo(pending.token().value());
        assertThat(file.path("pendingRevocations").get(0).path("reason").asText()).contains("lock is held");

        assertThat(second.removePendingRevocation(pending.token())).isTrue();
        assertThat(second.removePendingRevocation(pending.token())).isFalse();
        assertThat(StateStores.open(home, CLOCK).pendingRevocations()).isEmpty();
    }

    @Test
    void aSchema2FileHasNoPendingRevocations() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        Files.writeString(home.tunnelStateFile(), """
                {"schemaVersion": 2, "tunnels": [{"id": "t0badc0de",
                  "router": {"user": "root", "host": "192.168.1.1", "port": 22, "hostKey": null, "keyFile": null},
                  "relay": {"user": "tunnel", "host": "relay.example.com", "port": 22, "tunnelUser": "tunnel", "hostKey": null,
                            "keyFile": null},
                  "targetPort": 22, "portRange": "20000-20999", "requestedPort": null, "leaseTtlSeconds": 120,
                  "port": null, "token": null, "state": "CONNECTING", "reason": null, "established": null, "lastHeartbeat": null}]}
                """);

        StateStore store = StateStores.open(home, CLOCK);

        assertThat(store.problems()).isEmpty();
        assertThat(store.tunnels()).hasSize(1);
        assertThat(store.pendingRevocations()).isEmpty();
    }
}
