package io.netpilot.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpilot.core.NetPilotException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/** A connection to the running agent's control socket. Not thread-safe; one request at a time. */
public final class ControlClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** A client when an agent is listening on {@code socket}; empty when none is (no file, or a stale one). */
    public static Optional<ControlClient> connect(Path socket) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return Optional.of(new ControlClient(ch));
            } catch (IOException refused) {
                ch.close();
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends {@code request} and returns the reply.
     *
     * @throws NetPilotException when the agent answers with an error or goes away
     */
    public JsonNode call(ObjectNode request) {
        return stream(request, line -> true);
    }

    /**
     * Sends {@code request}; every line before the final reply goes to {@code onLine}, which returns
     * false to stop listening. The final reply (a line with {@code ok}) is returned.
     */
    public JsonNode stream(ObjectNode request, Predicate<JsonNode> onLine) {
        try {
            out.write((request.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode node = StatusDocument.JSON.readTree(line);
                if (node.has("ok")) {
                    if (!node.path("ok").asBoolean()) {
                        throw new AgentReplyException(node.path("error").asText("the agent refused"), node.path("exitCode").asInt(ExitCode.FAILED));
                    }
                    return node;
                }
                if (!onLine.test(node)) {
                    return ControlServer.ok();
                }
            }
            throw new NetPilotException("the agent closed the control connection; see its log in <home>/logs");
        } catch (IOException e) {
            throw new NetPilotException("lost the control connection to the agent: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket that is already gone
        }
    }

    /** An error the agent reported, with the exit code it maps to. */
    public static final class AgentReplyException extends NetPilotException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        AgentReplyException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }
}
