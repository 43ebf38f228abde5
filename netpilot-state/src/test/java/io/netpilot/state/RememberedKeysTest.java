package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.core.LoginKeys;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 2: the key files a tunnel was connected with are remembered as paths (never the keys) in
 * tunnel-state.json and router-connections.json, and files of schema 1, which lack them, still load.
 */
class RememberedKeysTest {
    private static final Instant T0 = Instant.parse("2026-01-31T10:15:30Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void keyFilePathsRoundTripAndOnlyThePathIsWritten() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        LoginKeys keys = new LoginKeys(Optional.empty(), Optional.of(Path.of("/keys/relay_ed25519")));
        TunnelRecord rec = TestRecords.full(1, 20001, TunnelState.UP, T0);
        rec = new TunnelRecord(rec.spec().withKeys(keys), rec.port(), rec.token(), rec.state(), rec.established(), rec.lastHeartbeat());
        StateStore first = StateStores.open(home, CLOCK);
        first.saveTunnel(rec);
        SshAddress router = rec.spec().router().address();
        RouterConnection history = first.updateRouterConnection(router, c -> c.succeeded(T0).withKeys(keys));

        StateStore second = StateStores.open(home, CLOCK);
        assertThat(second.tunnel(rec.id())).hasValue(rec);
        assertThat(second.tunnel(rec.id()).orElseThrow().spec().keys()).isEqualTo(keys);
        assertThat(second.routerConnections()).containsExactly(history);

        JsonNode tunnel = JSON.readTree(home.tunnelStateFile().toFile()).path("tunnels").get(0);
        assertThat(tunnel.path("relay").path("keyFile").asText()).isEqualTo("/keys/relay_ed25519");
        assertThat(tunnel.path("router").path("keyFile").isNull()).as("the agent's own key is not named").isTrue();
        JsonNode routers = JSON.readTree(home.routerConnectionsFile().toFile());
        assertThat(routers.path("schemaVersion").asInt()).isEqualTo(3);
        assertThat(routers.path("routers").get(0).path("relayKeyFile").asText()).isEqualTo("/keys/relay_ed25519");
    }

    @Test
    void aSchema1FileWithoutKeyFilesLoadsWithTheAgentsKey() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        Files.writeString(home.tunnelStateFile(), """
                {"schemaVersion": 1, "tunnels": [{"id": "t0badc0de",
                  "router": {"user": "root", "host": "192.168.1.1", "port": 22, "hostKey": null},
                  "relay": {"user": "tunnel", "host": "relay.example.com", "port": 22, "tunnelUser": "tunnel", "hostKey": null},
                  "targetPort": 22, "portRange": "20000-20999", "requestedPort": null, "leaseTtlSeconds": 120,
                  "port": null, "token": null, "state": "CONNECTING", "reason": null, "established": null, "lastHeartbeat": null}]}
                """);
        Files.writeString(home.routerConnectionsFile(), """
                {"schemaVersion": 1, "routers": [{"router": "%s", "address": "root@192.168.1.1:22",
                  "lastConnected": null, "successes": 0, "failures": 0, "lastError": null}]}
                """.formatted(io.netpilot.core.RouterId.of(SshAddress.parse("root@192.168.1.1")).value()));

        StateStore store = StateStores.open(home, CLOCK);

        assertThat(store.problems()).isEmpty();
        assertThat(store.tunnels()).singleElement().satisfies(t -> assertThat(t.spec().keys()).isEqualTo(LoginKeys.AGENT_KEY));
        assertThat(store.routerConnections()).singleElement().satisfies(c -> assertThat(c.keys()).isEqualTo(LoginKeys.AGENT_KEY));
    }

    @Test
    void aRelativeKeyPathWrittenByHandIsSetAside() throws Exception {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        StateStores.open(home, CLOCK).saveTunnel(TestRecords.full(1, 20001, TunnelState.UP, T0));
        String json = Files.readString(home.tunnelStateFile());
        Files.writeString(home.tunnelStateFile(), json.replaceFirst("\"keyFile\" : null", "\"keyFile\" : \"keys/router\""));

        StateStore store = StateStores.open(home, CLOCK);

        assertThat(store.tunnels()).isEmpty();
        assertThat(store.problems()).singleElement().asString().contains("must be an absolute path");
    }
}
