package io.netpilot.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's control channel: a Unix domain socket in the NetPilot home ({@code agent.sock},
 * 0600 inside a 0700 home), one JSON object per line each way. A peer running as another user is
 * refused. One virtual thread per client. Thread-safe.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    /** Handles one request. {@code emit} sends extra lines (for streams); the return value is the last line. */
    @FunctionalInterface
    public interface Handler {
        ObjectNode handle(JsonNode request, Consumer<ObjectNode> emit) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private ControlServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("netpilot-control").start(() -> acceptLoop(handler));
    }

    /**
     * Binds {@code socket}, replacing a stale one; call only while holding the agent lock.
     *
     * @throws IOException when it cannot bind
     */
    public static ControlServer start(Path socket, Handler handler) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return new ControlServer(socket, server, handler);
    }

    private void acceptLoop(Handler handler) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("netpilot-control-client").start(() -> serve(client, handler));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("control socket accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel client, Handler handler) {
        try (client) {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String me = System.getProperty("user.name");
            OutputStream out = Channels.newOutputStream(client);
            Consumer<ObjectNode> emit = line -> write(out, line);
            if (peer != null && !peer.user().getName().equals(me)) {
                LOG.warn("refused control connection from user {}", peer.user().getName());
                emit.accept(error("refused: the agent serves only its own user " + me));
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode reply;
                try {
                    reply = handler.handle(StatusDocument.JSON.readTree(line), emit);
                } catch (Exception e) {
                    reply = error(e.getMessage() == null ? e.toString() : e.getMessage());
                    reply.put("exitCode", ExitCode.of(e));
                }
                emit.accept(reply);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("control client gone: {}", e.toString());
        }
    }

    private static void write(OutputStream out, ObjectNode line) {
        try {
            synchronized (out) {
                out.write((line.toString() + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOExceptionHolder(e);
        }
    }

    public static ObjectNode error(String message) {
        ObjectNode n = StatusDocument.JSON.createObjectNode();
        n.put("ok", false);
        n.put("error", message);
        return n;
    }

    public static ObjectNode ok() {
        ObjectNode n = StatusDocument.JSON.createObjectNode();
        n.put("ok", true);
        return n;
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", socket, e.toString());
        }
        acceptor.interrupt();
    }

    /** A write to a client that went away; ends that client's thread only. */
    static final class UncheckedIOExceptionHolder extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedIOExceptionHolder(IOException cause) {
            super(cause);
        }
    }
}
