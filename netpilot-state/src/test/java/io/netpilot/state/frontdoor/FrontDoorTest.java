package io.netpilot.state.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.Agent;
import io.netpilot.core.AgentAlreadyRunningException;
import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotBuilder;
import io.netpilot.core.RestoreReport;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelId;
import io.netpilot.core.spi.Transport;
import io.netpilot.core.spi.TransportService;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door over a real home (netpilot-state's service, found by ServiceLoader) with a transport
 * of the test's own (no network): one agent per home, attach from "another process" through the real
 * control socket, a stop request, and the close order's visible effects (socket gone, lock released).
 */
class FrontDoorTest {
    @TempDir
    Path dir;

    private final AtomicBoolean transportClosed = new AtomicBoolean();

    /** A transport whose parts refuse every call: an empty home never needs one. */
    private TransportService offline() {
        return options -> (Transport) Proxy.newProxyInstance(Transport.class.getClassLoader(), new Class<?>[] {Transport.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        transportClosed.set(true);
                        yield null;
                    }
                    case "toString" -> "offline transport";
                    // the front door names the agent on relays by its key
                    case "agentPublicKey" -> "ssh-ed25519 " + java.util.Base64.getEncoder().encodeToString("offline agent".getBytes()) + " offline";
                    case "hashCode" -> 0;
                    case "equals" -> proxy == args[0];
                    default -> Proxy.newProxyInstance(Transport.class.getClassLoader(), new Class<?>[] {method.getReturnType()},
                            (p, m, a) -> {
                                throw new UnsupportedOperationException("offline: " + m.getName());
                            });
                });
    }

    private NetPilotBuilder builder() {
        return NetPilot.builder().home(dir.resolve("home")).transport(offline()).networkWatch(false);
    }

    @Test
    void oneAgentPerHomeOthersAttachThroughTheControlSocket() throws Exception {
        CompletableFuture<RestoreReport> restored = new CompletableFuture<>();
        try (NetPilot agent = builder().onRestored(restored::complete).start()) {
            assertThat(restored.get(30, TimeUnit.SECONDS).tunnels()).isEmpty();
            assertThat(Files.exists(dir.resolve("home/agent.sock"))).isTrue();
            assertThatThrownBy(() -> builder().start()).isInstanceOf(AgentAlreadyRunningException.class);

            try (Agent attached = builder().startOrAttach()) {
                assertThat(attached.attached()).isTrue();
                assertThat(attached.tunnels()).isEmpty();
                assertThatThrownBy(() -> attached.disconnect(new TunnelId("t0123abcd"))).isInstanceOf(TunnelNotFoundException.class);
            }

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(agent::awaitStop);
            assertThat(builder().requestStop()).isTrue();
            stopped.get(30, TimeUnit.SECONDS);
            assertThat(agent.stopTunnels().entries()).isEmpty();
        }
        assertThat(transportClosed).isTrue();
        assertThat(Files.exists(dir.resolve("home/agent.sock"))).as("the socket goes first").isFalse();
        assertThat(builder().attach()).isEmpty();
        try (NetPilot again = builder().open()) {
            assertThat(again.attached()).isFalse();
            assertThat(again.problems()).isEmpty();
            assertThat(Files.exists(dir.resolve("home/agent.sock"))).as("a one-shot agent serves nothing").isFalse();
        }
    }

    @Test
    void theSshServiceIsNotNeededToAttachButIsToStart() {
        // netpilot-ssh is not on this module's test path: starting says what to add, attaching needs nothing
        assertThat(NetPilot.builder().home(dir.resolve("home")).attach()).isEmpty();
        assertThatThrownBy(() -> NetPilot.builder().home(dir.resolve("home")).start())
                .hasMessageContaining("TransportService").hasMessageContaining("netpilot-ssh");
        try (NetPilot agent = builder().start()) {
            assertThat(agent.home()).isEqualTo(dir.resolve("home"));
        }
    }
}
