package io.netpilot.state.internal.control;

import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEventListener;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.internal.control.ControlMessage.Reply;
import io.netpilot.state.internal.control.ControlMessage.Request;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Another process's agent, reached through its control socket: each call is one short connection,
 * each subscription a connection of its own streaming events. Thread-safe.
 */
public final class ControlClient implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ControlClient.class);
    /** The longest reply line read (a status of many tunnels is far below it). */
    static final int MAX_REPLY_BYTES = 16 << 20;

    private final Path socket;

    private ControlClient(Path socket) {
        this.socket = socket;
    }

    /**
     * The agent listening on {@code socket}, when one answers a ping.
     *
     * @param socket the socket file
     * @return the attached agent, or empty (no file, a stale one, or nobody answering)
     */
    public static Optional<Agent> attach(Path socket) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        ControlClient client = new ControlClient(socket);
        try {
            client.call(new Request.Ping());
            return Optional.of(client);
        } catch (NetPilotException e) {
            LOG.debug("no agent answers on {}: {}", socket, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Asks the agent on {@code socket} to stop.
     *
     * @param socket the socket file
     * @return whether an agent answered and accepted
     */
    public static boolean requestStop(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try {
            new ControlClient(socket).call(new Request.Stop());
            return true;
        } catch (NetPilotException e) {
            return false;
        }
    }

    @Override
    public TunnelSnapshot connect(ConnectRequest request) {
        return ((Reply.Tunnel) call(new Request.Connect(Wire.ConnectDto.of(request)))).tunnel().toSnapshot();
    }

    @Override
    public CleanupReport disconnect(TunnelId id) {
        return Wire.EntryDto.toReport(((Reply.Disconnected) call(new Request.Disconnect(id.value()))).entries());
    }

    @Override
    public void retry(TunnelId id) {
        call(new Request.Retry(id.value()));
    }

    @Override
    public List<TunnelSnapshot> tunnels() {
        return ((Reply.Tunnels) call(new Request.Status())).tunnels().stream().map(Wire.TunnelDto::toSnapshot).toList();
    }

    @Override
    public Subscription subscribe(TunnelEventListener listener) {
        SocketChannel channel = open();
        Thread.ofVirtual().name("netpilot-control-watch").start(() -> {
            try (channel) {
                exchange(channel, new Request.Watch(), reply -> {
                    if (reply instanceof Reply.Event e) {
                        listener.onEvent(e.event().toEvent());
                    }
                });
            } catch (IOException | RuntimeException e) {
                LOG.debug("watch stream from {} ended: {}", socket, e.toString());
            }
        });
        return () -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        };
    }

    /** {@return true: this agent runs in another process} */
    @Override
    public boolean attached() {
        return true;
    }

    /** Nothing stays open between calls; subscriptions are closed by their own handles. */
    @Override
    public void close() {}

    private Reply call(Request request) {
        try (SocketChannel channel = open()) {
            return exchange(channel, request, reply -> {});
        } catch (IOException e) {
            throw new NetPilotException("lost the control connection to the agent on " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code request}; stream lines go to {@code onStream}; returns the final reply or throws its failure. */
    private Reply exchange(SocketChannel channel, Request request, Consumer<Reply> onStream) throws IOException {
        OutputStream out = Channels.newOutputStream(channel);
        out.write((Wire.JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        BoundedLines in = new BoundedLines(Channels.newInputStream(channel), MAX_REPLY_BYTES);
        String line;
        while ((line = in.next()) != null) {
            Reply reply = Wire.JSON.readValue(line, Reply.class);
            if (reply instanceof Reply.Failed f) {
                throw switch (f.kind()) {
                    case "invalid-input" -> new InvalidInputException(f.message());
                    case "not-found" -> new TunnelNotFoundException(f.message());
                    default -> new NetPilotException(f.message());
                };
            }
            if (reply.isFinal()) {
                return reply;
            }
            onStream.accept(reply);
        }
        throw new NetPilotException("the agent closed the control connection; see its log in <home>/logs");
    }

    private SocketChannel open() {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return channel;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new NetPilotException("no agent answers on " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ControlClient[" + socket + "]";
    }
}
