package io.netpilot.state.internal.control;

import io.netpilot.core.Agent;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.spi.StateService;
import java.io.IOException;
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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control channel: a Unix domain socket in the NetPilot home ({@code agent.sock}, 0600
 * inside a 0700 home) speaking {@link ControlMessage}s, one JSON line each way. A peer running as
 * another user is refused (SO_PEERCRED). Bounded: a request line longer than
 * {@link Limits#maxLineBytes()} ends its connection, a client silent (or not reading) for
 * {@link Limits#idleTimeout()} is dropped, at most {@link Limits#maxClients()} are served at once (the
 * next ones get a "busy" line and are closed at once), and failed accepts back off
 * ({@link AcceptBackoff}). One virtual thread per client. Thread-safe.
 */
public final class ControlServer implements StateService.Held {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    /**
     * The channel's bounds. Immutable.
     *
     * @param maxLineBytes the longest request line
     * @param idleTimeout how long one read of a request, or one write of a reply, may wait
     * @param maxClients how many clients are served at once
     */
    public record Limits(int maxLineBytes, Duration idleTimeout, int maxClients) {
        /** 1 MiB lines, 60 s idle, 64 clients. */
        public static final Limits DEFAULTS = new Limits(1 << 20, Duration.ofSeconds(60), 64);

        /** @throws IllegalArgumentException when a bound is not positive */
        public Limits {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (maxLineBytes < 1024 || !idleTimeout.isPositive() || maxClients < 1) {
                throw new IllegalArgumentException("control channel limits must be positive (lines at least 1 KiB)");
            }
        }
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final RequestHandler handler;
    private final Limits limits;
    private final Semaphore slots;
    private final ScheduledExecutorService watchdog;
    private final AtomicLong rejected = new AtomicLong();
    private final Thread acceptor;

    private ControlServer(Path socket, ServerSocketChannel server, RequestHandler handler, Limits limits) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxClients());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("netpilot-control-watchdog").factory());
        this.acceptor = Thread.ofVirtual().name("netpilot-control").start(this::acceptLoop);
    }

    /**
     * Binds {@code socket} (replacing a stale one) and serves {@code agent}; call only while holding the
     * home's lock.
     *
     * @param socket the socket file
     * @param agent answers the requests
     * @param stop run on a stop request
     * @param limits the bounds
     * @return the running server
     * @throws NetPilotException when it cannot bind
     */
    public static ControlServer start(Path socket, Agent agent, Runnable stop, Limits limits) {
        try {
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(socket, server, new RequestHandler(agent, stop), limits);
        } catch (IOException e) {
            throw new NetPilotException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
    }

    /** How many clients are being served now. */
    public int activeClients() {
        return limits.maxClients() - slots.availablePermits();
    }

    /** How many clients were turned away because {@link Limits#maxClients()} were being served. */
    public long rejectedClients() {
        return rejected.get();
    }

    private void acceptLoop() {
        AcceptBackoff backoff = new AcceptBackoff();
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
                backoff.succeeded();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                Duration wait = backoff.failed();
                if (backoff.shouldWarn()) {
                    LOG.warn("control socket accept failed ({} in a row, next try in {} ms): {}", backoff.failures(), wait.toMillis(), e.toString());
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            if (slots.tryAcquire()) {
                Thread.ofVirtual().name("netpilot-control-client").start(() -> {
                    try {
                        serve(client);
                    } finally {
                        slots.release();
                    }
                });
            } else {
                turnAway(client);
            }
        }
    }

    private void turnAway(SocketChannel client) {
        rejected.incrementAndGet();
        try (client) {
            // A fresh socket's send buffer takes this short line without blocking.
            write(Channels.newOutputStream(client), new ControlMessage.Reply.Failed(
                    "the agent serves at most " + limits.maxClients() + " control clients at once; try again", "refused"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("turning a control client away: {}", e.toString());
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            OutputStream out = Channels.newOutputStream(client);
            ClientLine line = reply -> guarded(client, () -> {
                write(out, reply);
                return reply;
            });
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String me = System.getProperty("user.name");
            if (peer != null && !peer.user().getName().equals(me)) {
                LOG.warn("refused control connection from user {}", peer.user().getName());
                line.send(new ControlMessage.Reply.Failed("refused: the agent serves only its own user " + me, "refused"));
                return;
            }
            BoundedLines in = new BoundedLines(Channels.newInputStream(client), limits.maxLineBytes());
            while (server.isOpen()) {
                String text = guarded(client, in::next);
                if (text == null) {
                    return;
                }
                if (!text.isBlank()) {
                    handler.handle(text, line, server::isOpen);
                }
            }
        } catch (BoundedLines.TooLong e) {
            LOG.warn("{}; closed that control connection", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.debug("control client gone: {}", e.toString());
        }
    }

    /** Runs one blocking read or write; when it takes longer than the idle timeout, the client is closed. */
    private <T> T guarded(SocketChannel client, IoCall<T> call) throws IOException {
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
            LOG.debug("control client idle for {}; closing it", limits.idleTimeout());
            try {
                client.close();
            } catch (IOException ignored) {
                // it is going anyway
            }
        }, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return call.run();
        } finally {
            alarm.cancel(false);
        }
    }

    static void write(OutputStream out, ControlMessage.Reply reply) throws IOException {
        byte[] bytes = (Wire.JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Stops accepting, ends every client connection, and removes the socket file; idempotent. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", socket, e.toString());
        }
        acceptor.interrupt();
        watchdog.shutdownNow();
    }

    /** One blocking call on a client's socket. */
    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException;
    }

    /** Sends one reply line to the client. */
    @FunctionalInterface
    interface ClientLine {
        Object send(ControlMessage.Reply reply) throws IOException;
    }
}
