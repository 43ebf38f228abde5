package io.netpilot.state.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control channel is bounded: an endless line, a crowd of silent clients and a client that stops
 * half-way neither grow the agent nor stop it serving its own user.
 */
class ControlChannelBoundsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final FakeAgent agent = new FakeAgent();
    private final List<SocketChannel> clients = new ArrayList<>();
    private ControlServer server;

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Path serve(ControlServer.Limits limits) {
        Path socket = dir.resolve("agent.sock");
        server = ControlServer.start(socket, agent, () -> {}, limits);
        return socket;
    }

    private SocketChannel connect(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        clients.add(c);
        c.connect(UnixDomainSocketAddress.of(socket));
        return c;
    }

    @Test
    void aHalfGigabyteLineIsCutOffAtTheBoundAndTheAgentStillAnswers() throws IOException {
        int bound = 64 * 1024;
        Path socket = serve(new ControlServer.Limits(bound, Duration.ofSeconds(30), 8));
        SocketChannel flood = connect(socket);
        ByteBuffer chunk = ByteBuffer.wrap(filled(1 << 20));
        long sent = 0;
        long target = 512L << 20;
        long heapBefore = usedHeap();
        try {
            while (sent < target) {
                chunk.rewind();
                while (chunk.hasRemaining()) {
                    sent += flood.write(chunk);
                }
            }
        } catch (IOException cutOff) {
            // the agent closed the connection once the line passed its bound
        }
        assertThat(sent).as("bytes the agent took before it hung up").isLessThan(16L << 20);
        assertThat(usedHeap() - heapBefore).as("heap growth while flooded").isLessThan(64L << 20);
        assertThat(ControlClient.attach(socket)).as("the agent still answers").isPresent();
    }

    @Test
    void fourHundredSilentClientsAreHeldToTheLimitAndTheRestTurnedAwayAtOnce() throws IOException {
        int max = 16;
        Path socket = serve(new ControlServer.Limits(1 << 20, Duration.ofSeconds(2), max));
        AtomicInteger mostActive = new AtomicInteger();
        for (int i = 0; i < 400; i++) {
            connect(socket);
            mostActive.accumulateAndGet(server.activeClients(), Math::max);
        }
        await().atMost(WAIT).until(() -> server.rejectedClients() + server.activeClients() >= 400);
        assertThat(mostActive.get()).isLessThanOrEqualTo(max);
        assertThat(server.rejectedClients()).isGreaterThanOrEqualTo(400 - max);
        String busy = firstLine(clients.get(clients.size() - 1));
        assertThat(busy).contains("\"reply\":\"failed\"").contains("at most " + max);
        // The silent ones are dropped after the idle timeout; then the agent's own user is served again.
        await().atMost(WAIT).until(() -> server.activeClients() == 0);
        assertThat(ControlClient.attach(socket)).isPresent();
    }

    @Test
    void aClientThatStopsHalfWayThroughARequestIsDropped() throws IOException {
        Path socket = serve(new ControlServer.Limits(1 << 20, Duration.ofMillis(300), 8));
        SocketChannel slow = connect(socket);
        slow.write(ByteBuffer.wrap("{\"op\":".getBytes(StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> server.activeClients() == 1 || slowClosed(slow));

        await().atMost(WAIT).until(() -> slowClosed(slow));
        await().atMost(WAIT).until(() -> server.activeClients() == 0);
        assertThat(agent.calls).hasValue(0);
        assertThat(ControlClient.attach(socket)).isPresent();
    }

    @Test
    void garbageIsAnsweredWithAnErrorAndTheConnectionGoesOn() throws IOException {
        Path socket = serve(ControlServer.Limits.DEFAULTS);
        SocketChannel c = connect(socket);
        c.write(ByteBuffer.wrap("{\"op\":\"format-disk\"}\n{\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8)));
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
        assertThat(in.readLine()).contains("\"reply\":\"failed\"").contains("invalid-input");
        assertThat(in.readLine()).startsWith("{\"reply\":\"done\"");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ControlServer.Limits(10, Duration.ofSeconds(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlServer.Limits(4096, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlServer.Limits(4096, Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Whether the server closed {@code c}: a read then ends the stream (or fails). */
    private static boolean slowClosed(SocketChannel c) {
        try {
            c.configureBlocking(false);
            try {
                return c.read(ByteBuffer.allocate(256)) < 0;
            } finally {
                c.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    private static String firstLine(SocketChannel c) throws IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8)).readLine();
    }

    private static byte[] filled(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
