package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three tunnels through one relay hold one agent session there (issue 11): the relay counts the
 * sessions that logged in with the agent's key. When the relay drops it, the agent logs in once more
 * and every tunnel stays up on the supervisor it had; the last disconnect ends it.
 */
class SharedRelaySessionTest {
    @TempDir
    Path dir;

    @Test
    void threeTunnelsHoldOneAgentSessionOnTheRelay() {
        try (LifecycleRig rig = LifecycleRig.start(dir)) {
            List<EmbeddedRouter> routers = rig.routers(3, EmbeddedRouter.Flavour.PROCPS);
            NetPilotHome home = rig.home("home");
            PublicKey agentKey = AgentKeys.loadOrCreate(home.agentKeyFile()).keyPair().getPublic();
            LifecycleRig.Agent a = rig.agent(home);
            List<TunnelSnapshot> tunnels = new ArrayList<>();
            routers.forEach(r -> tunnels.add(a.manager().connect(rig.request(r))));
            tunnels.forEach(t -> assertThat(LifecycleRig.carriesBanner(t.port().orElseThrow())).as("%s", t.id()).isTrue());

            assertThat(rig.relay.openSessionsOf(agentKey)).as("the agent's sessions on the relay").isEqualTo(1);
            List<String> tokens = tunnels.stream()
                    .map(t -> a.store().tunnel(t.id()).orElseThrow().token().orElseThrow().value()).toList();
            List<Long> supervisors = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                supervisors.add(LifecycleRig.supervisorPid(routers.get(i), tokens.get(i)).orElseThrow());
            }

            assertThat(rig.relay.closeSessionsOf(agentKey)).isEqualTo(1);

            Duration wait = TestTimeouts.scaled(Duration.ofSeconds(10));
            await().atMost(wait).until(() -> rig.relay.openSessionsOf(agentKey) == 1);
            await().atMost(wait).until(() -> tunnels.stream()
                    .allMatch(t -> a.manager().tunnel(t.id()).orElseThrow().state() instanceof TunnelState.Up));
            for (int i = 0; i < 3; i++) {
                assertThat(LifecycleRig.supervisorPid(routers.get(i), tokens.get(i))).as("tunnel %d: nothing relaunched", i).hasValue(supervisors.get(i));
            }
            assertThat(rig.relay.openSessionsOf(agentKey)).isEqualTo(1);

            tunnels.forEach(t -> a.manager().disconnect(t.id()));
            await().atMost(wait).until(() -> rig.relay.openSessionsOf(agentKey) == 0);
        }
    }
}
