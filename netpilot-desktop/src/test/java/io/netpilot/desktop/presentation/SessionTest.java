package io.netpilot.desktop.presentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.Agent;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.NetPilot;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session over real agents (no display): the front door over a home, the testkit's SSH relay and
 * router with real autossh processes. Quitting when this app is the agent stops the router's processes;
 * when an agent already owns the home the app attaches, says so, and quitting leaves its tunnels alone.
 */
class SessionTest {
    private static final Duration WAIT = TestTimeouts.scaled(Duration.ofSeconds(60));

    @TempDir
    Path dir;

    private EmbeddedRelay relay;
    private EmbeddedRouter router;

    @BeforeEach
    void servers() {
        Binaries.require("autossh");
        relay = EmbeddedRelay.start(dir.resolve("relay"));
        router = EmbeddedRouter.start(EmbeddedRouter.Flavour.PROCPS, dir.resolve("router"));
    }

    @AfterEach
    void stopServers() {
        router.close();
        relay.close();
    }

    private NetPilot agentWithATunnel() {
        NetPilot netpilot = NetPilot.builder().home(dir.resolve("home")).networkWatch(false).start();
        relay.authorize(netpilot.agentPublicKey());
        router.authorize(netpilot.agentPublicKey());
        TunnelSnapshot up = netpilot.connect(ConnectRequest.of(router.address(), relay.address()).acceptingNewHostKeys());
        assertThat(up.state().name()).isEqualTo("UP");
        assertThat(router.livePids()).as("the router runs the tunnel's processes").isNotEmpty();
        return netpilot;
    }

    @Test
    void quitRunsTheCleanExitStoppingTheRoutersProcesses() {
        NetPilot netpilot = agentWithATunnel();
        Session session = new Session(netpilot, OptionalLong.empty());
        assertThat(session.attached()).isFalse();
        assertThat(session.status()).startsWith("This app is the agent");
        assertThat(session.onClose(1, true)).isEqualTo(Session.CloseChoice.ASK_KEEP_OR_QUIT);
        assertThat(session.onClose(1, false)).isEqualTo(Session.CloseChoice.ASK_QUIT_OR_CANCEL);
        assertThat(session.onClose(0, true)).isEqualTo(Session.CloseChoice.QUIT);
        assertThat(session.quitText(2)).isEqualTo("Stopping 2 tunnels…");

        List<String> progress = new ArrayList<>();
        assertThat(session.quit(progress::add)).isTrue();

        assertThat(router.livePids()).as("nothing left running on the router").isEmpty();
        assertThat(progress).last().isEqualTo("Closing…");
        assertThat(session.quit(progress::add)).as("the clean exit runs once").isFalse();
        assertThat(NetPilot.builder().home(dir.resolve("home")).attach()).as("the agent is gone").isEmpty();
    }

    @Test
    void attachesWhenAnAgentAlreadyRunsAndQuittingLeavesItsTunnelsRunning() {
        try (NetPilot headless = agentWithATunnel()) {
            Agent desktop = NetPilot.builder().home(dir.resolve("home")).startOrAttach();
            Session session = new Session(desktop, AgentLock.recordedPid(NetPilotHome.at(dir.resolve("home"))));
            assertThat(session.attached()).isTrue();
            assertThat(session.status()).isEqualTo("Attached to the agent running as pid " + ProcessHandle.current().pid()
                    + ": quitting leaves its tunnels running");

            TunnelsModel model = new TunnelsModel(desktop::tunnels, Runnable::run);
            desktop.subscribe(model::onEvent);
            model.start(false);
            assertThat(model.rows()).singleElement().satisfies(r -> {
                assertThat(r.state()).isEqualTo("UP");
                assertThat(r.health()).isEqualTo(Health.GOOD);
            });
            // Retry now travels the control channel to the headless agent; an unknown tunnel is refused by it
            session.retry(model.rows().getFirst().id());
            assertThatThrownBy(() -> session.retry(new io.netpilot.core.TunnelId("t0000dead")))
                    .isInstanceOf(io.netpilot.core.TunnelNotFoundException.class);
            assertThat(session.onClose(model.running(), true)).isEqualTo(Session.CloseChoice.QUIT);
            assertThat(session.quitText(model.running())).isEqualTo("Closing…");

            session.quit(line -> { });

            assertThat(router.livePids()).as("the headless agent's tunnel keeps running").isNotEmpty();
            assertThat(headless.tunnels()).singleElement().satisfies(t -> assertThat(t.state().name()).isEqualTo("UP"));
        }
        await().atMost(WAIT).until(() -> router.livePids().isEmpty());
    }
}
