package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key files a tunnel was connected with are what restore and rediscovery log in with: a key file
 * that is gone fails that tunnel alone, with the reason; after tunnel-state.json is lost, the relay key
 * remembered in router-connections.json takes the tunnel back.
 */
class RememberedKeysTest {
    private static final byte[] GARBAGE = "{\"schemaVersion\": 2, \"tunnels\": [ garbage".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private AgentKeys relayOnlyKey(LifecycleRig rig) throws Exception {
        Path file = dir.resolve("keys/relay_key");
        Files.createDirectories(file.getParent());
        AgentKeys keys = AgentKeys.loadOrCreate(file);
        rig.relay.authorize(keys.keyPair().getPublic());
        return keys;
    }

    private static ConnectRequest withRelayKey(ConnectRequest r, Path key) {
        return new ConnectRequest(r.spec(), r.routerCredentials(), new Credentials.KeyFile(key), r.hostKeyPolicy());
    }

    @Test
    void aMissingKeyFileFailsThatTunnelAloneWithTheReason() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter withKey = rig.router(EmbeddedRouter.Flavour.PROCPS);
            EmbeddedRouter plain = rig.router(EmbeddedRouter.Flavour.PROCPS);
            NetPilotHome home = rig.home("home");
            Path key = dir.resolve("keys/relay_key");
            relayOnlyKey(rig);
            TunnelSnapshot keyed;
            TunnelSnapshot other;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                keyed = a.manager().connect(withRelayKey(rig.request(withKey), key));
                other = a.manager().connect(rig.request(plain));
            }
            Files.move(key, dir.resolve("keys/relay_key.moved-away"));

            try (LifecycleRig.Agent b = rig.agent(home)) {
                List<TunnelSnapshot> restored = b.manager().restore();

                TunnelSnapshot failed = restored.stream().filter(t -> t.id().equals(keyed.id())).findFirst().orElseThrow();
                assertThat(failed.state().name()).isEqualTo("FAILED");
                assertThat(failed.reason()).hasValueSatisfying(r -> assertThat(r).contains("relay key file " + key).contains("--relay-key"));
                TunnelSnapshot up = restored.stream().filter(t -> t.id().equals(other.id())).findFirst().orElseThrow();
                assertThat(up.state().name()).isEqualTo("UP");
                assertThat(up.port()).isEqualTo(other.port());
                assertThat(StateStores.view(home).tunnel(keyed.id()).map(TunnelRecord::state).map(s -> s.name())).hasValue("FAILED");

                Files.move(dir.resolve("keys/relay_key.moved-away"), key);
                assertThat(b.manager().cleanup(Duration.ofSeconds(20)).complete()).isTrue();
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10)))
                    .untilAsserted(() -> assertThat(withKey.livePids()).isEmpty());
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).untilAsserted(() -> assertThat(plain.livePids()).isEmpty());
        }
    }

    @Test
    void rediscoveryAfterLostStateUsesTheRelayKeyTheRouterRemembers() throws Exception {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            EmbeddedRouter router = rig.router(EmbeddedRouter.Flavour.PROCPS);
            // The agent's key may log in to the router only; the relay accepts nothing but relay_key.
            NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
            router.authorize(AgentKeys.loadOrCreate(home.agentKeyFile()).keyPair().getPublic());
            relayOnlyKey(rig);
            Path key = dir.resolve("keys/relay_key");
            TunnelSnapshot tunnel;
            try (LifecycleRig.Agent a = rig.agent(home)) {
                tunnel = a.manager().connect(withRelayKey(rig.request(router), key));
            }
            assertThat(Files.readString(home.routerConnectionsFile())).contains("\"relayKeyFile\" : \"" + key + "\"");
            Files.write(home.tunnelStateFile(), GARBAGE);

            try (LifecycleRig.Restart start = LifecycleRig.restartPrinting(home)) {
                List<TunnelSnapshot> restored = start.tunnels();

                assertThat(start.printed()).contains("rediscovered " + tunnel.id() + " on " + router.address() + " port "
                        + tunnel.port().orElseThrow() + ": UP (adopted)");
                assertThat(restored).extracting(TunnelSnapshot::id).containsExactly(tunnel.id());
                assertThat(StateStores.view(home).tunnel(tunnel.id()).orElseThrow().spec().keys().relay()).hasValue(key);
                start.netpilot().stopTunnels();
            }
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).untilAsserted(() -> assertThat(router.livePids()).isEmpty());
        }
    }
}
