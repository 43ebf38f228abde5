package io.netpilot.state.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpilot.core.Agent;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.TestTimeouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's control socket serves its own user and nobody else: a same-user client gets its answer,
 * a real client process running as user {@code nobody} is stopped by the socket's 0600 mode at
 * connect() and, when the mode is opened up, by the SO_PEERCRED check before any request is handled.
 */
class ControlPeerTest {
    private static final int NOBODY = 65534;
    private static final Duration PROCESS_TIMEOUT = TestTimeouts.scaled(Duration.ofSeconds(30));

    /** A client that connects, sends one ping and prints the first reply line; run as another user. */
    private static final String PEER_CLIENT = """
            import java.io.BufferedReader;
            import java.io.IOException;
            import java.io.InputStreamReader;
            import java.net.StandardProtocolFamily;
            import java.net.UnixDomainSocketAddress;
            import java.nio.channels.Channels;
            import java.nio.channels.SocketChannel;
            import java.nio.charset.StandardCharsets;

            public class PeerClient {
                public static void main(String[] args) throws IOException {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        try {
                            ch.connect(UnixDomainSocketAddress.of(args[0]));
                        } catch (IOException e) {
                            System.out.println("CONNECT-FAILED " + e.getMessage());
                            System.exit(3);
                        }
                        try {
                            ch.write(java.nio.ByteBuffer.wrap("{\\"op\\":\\"ping\\"}\\n".getBytes(StandardCharsets.UTF_8)));
                        } catch (IOException e) {
                            System.out.println("WRITE-FAILED " + e.getMessage()); // the server may have closed first
                        }
                        String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
                        System.out.println("REPLY " + line);
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    private final FakeAgent agent = new FakeAgent();
    private Path socket;
    private ControlServer server;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        socket = dir.resolve("agent.sock");
        server = ControlServer.start(socket, agent, () -> {}, ControlServer.Limits.DEFAULTS);
    }

    @AfterEach
    void stopEverything() {
        for (Process p : started) {
            p.destroyForcibly();
            await().atMost(PROCESS_TIMEOUT).until(() -> !p.isAlive());
        }
        server.close();
    }

    @Test
    void theAgentsOwnUserGetsAnAnswerOnAnOwnerOnlySocket() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        Agent remote = ControlClient.attach(socket).orElseThrow();
        assertThat(remote.tunnels()).isEmpty();
        assertThat(agent.calls).hasValue(1);
    }

    @Test
    void anotherUserCannotConnectThroughTheOwnerOnlySocket() throws Exception {
        Path client = preparePeerClient();

        PeerRun run = runAsNobody(client);

        assertThat(run.output()).contains("CONNECT-FAILED").containsIgnoringCase("permission denied");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(agent.calls).hasValue(0);
    }

    @Test
    void anotherUserWhoReachesTheSocketIsRefusedBeforeAnyRequestIsHandled() throws Exception {
        Path client = preparePeerClient();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));

        PeerRun run = runAsNobody(client);

        assertThat(run.exitCode()).as(run.output()).isZero();
        String line = run.output().lines().filter(l -> l.startsWith("REPLY ")).findFirst()
                .orElseThrow(() -> new AssertionError("no reply line from the peer client: " + run.output()))
                .substring("REPLY ".length());
        JsonNode reply = Wire.JSON.readTree(line);
        assertThat(reply.path("reply").asText()).isEqualTo("failed");
        assertThat(reply.path("kind").asText()).isEqualTo("refused");
        assertThat(reply.path("message").asText()).startsWith("refused: ");

        // The refusal ended only that connection, before any request reached the agent; its own user is still served.
        assertThat(agent.calls).hasValue(0);
        assertThat(ControlClient.attach(socket).orElseThrow().tunnels()).isEmpty();
        assertThat(agent.calls).hasValue(1);
    }

    /** Writes the peer client into the temp dir and lets user nobody reach it and the socket by name. */
    private Path preparePeerClient() throws IOException {
        Assumptions.assumeTrue(currentUid() == 0,
                "needs a second uid: run as root so the test can start a client as user nobody (65534) with setpriv");
        Binaries.require("setpriv");
        Path client = dir.resolve("PeerClient.java");
        Files.writeString(client, PEER_CLIENT, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        return client;
    }

    private PeerRun runAsNobody(Path client) throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow(
                () -> new AssertionError("cannot tell which java runs this test")));
        ProcessBuilder pb = new ProcessBuilder(
                Binaries.require("setpriv").toString(),
                "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                java.toString(), "-XX:-UsePerfData", "-Xshare:auto", "-Djava.io.tmpdir=" + dir,
                client.toString(), socket.toString());
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        Process p = pb.start();
        started.add(p);
        p.getOutputStream().close();
        await().atMost(PROCESS_TIMEOUT).until(() -> !p.isAlive());
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new PeerRun(p.exitValue(), output);
    }

    private static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private record PeerRun(int exitCode, String output) {}
}
