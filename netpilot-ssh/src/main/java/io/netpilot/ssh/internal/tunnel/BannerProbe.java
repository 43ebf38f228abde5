package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.internal.PushLoopback;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * {@link EndToEndProbe} that reads the router's SSH identification line through the relay
 * ({@code direct-tcpip} to the relay's {@code 127.0.0.1:port}); {@link BannerLine} says which line counts
 * (RFC 4253 lets a server send other lines before {@code SSH-}). On the agent's MINA session the bytes are
 * parsed as they arrive on the session's I/O thread ({@link PushLoopback}), the prober waits once, and the
 * channel is closed without an EOF: no reader thread, stream or executor per probe, which runs every couple
 * of seconds per tunnel. Another {@link RemoteShell} is read through {@link RemoteShell#connectLoopback} by a
 * virtual thread. The round trip is measured with a monotonic clock (injected for tests). Stateless,
 * thread-safe.
 */
final class BannerProbe implements EndToEndProbe {
    private final LongSupplier nanoTime;

    BannerProbe(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public ProbeResult probe(RemoteShell relay, int port, Duration timeout) {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(timeout, "timeout");
        long start = nanoTime.getAsLong();
        BannerLine banner = new BannerLine();
        PushLoopback.Handle connection;
        try {
            connection = feed(relay, port, timeout, banner);
        } catch (NothingAnswers e) {
            return e.result;
        }
        try {
            String line = banner.await(timeout.toNanos() - (nanoTime.getAsLong() - start));
            Duration rtt = Duration.ofNanos(nanoTime.getAsLong() - start);
            if (line.startsWith("SSH-2.0-")) {
                return new ProbeResult.Reached(line, rtt);
            }
            return new ProbeResult.Unreached(line.isEmpty()
                    ? "relay port " + port + " closed the connection without an SSH banner: the router's SSH server or the tunnel is down"
                    : "relay port " + port + " answered something that is not an SSH-2.0 server: " + printable(line));
        } catch (TimeoutException e) {
            return new ProbeResult.Unreached("no SSH banner on relay port " + port + " within " + timeout
                    + (banner.wasOpened() ? "" : " (the relay did not open the connection in that time)"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HostUnreachableException refused) {
                return nothingAnswers(relay, port, refused);
            }
            return new ProbeResult.Unreached("reading relay port " + port + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult.Unreached("probe of relay port " + port + " interrupted");
        } finally {
            connection.close();
        }
    }

    /**
     * Starts the connection to the relay's {@code 127.0.0.1:port}, its bytes going to {@code banner}.
     *
     * @throws NothingAnswers when the port refuses at once while the relay session lives
     * @throws HostUnreachableException when the relay session itself is lost
     */
    private static PushLoopback.Handle feed(RemoteShell relay, int port, Duration timeout, BannerLine banner) throws NothingAnswers {
        if (relay instanceof PushLoopback pushing) {
            try {
                return pushing.pushLoopback(port, banner);
            } catch (HostUnreachableException e) {
                throw new NothingAnswers(nothingAnswers(relay, port, e));
            }
        }
        RemoteConnection connection = openLoopback(relay, port, timeout);
        banner.opened();
        Thread.ofVirtual().name("banner-probe-" + port).start(() -> pump(connection, banner));
        return connection::close; // which ends the pump
    }

    private static void pump(RemoteConnection connection, BannerLine banner) {
        byte[] buf = new byte[512];
        try (InputStream in = connection.input()) {
            int n = in.read(buf);
            while (n >= 0 && banner.received(buf, 0, n)) {
                n = in.read(buf);
            }
            banner.ended(null);
        } catch (IOException e) {
            banner.ended(e);
        }
    }

    /** Nothing listens on the relay's port; {@link #result} says so. */
    static final class NothingAnswers extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ProbeResult.Unreached result;

        NothingAnswers(ProbeResult.Unreached result) {
            super(result.reason(), null, false, false);
            this.result = result;
        }
    }

    /** What a probe does once the relay's 127.0.0.1:PORT accepted: {@code start} is the probe's start (nanoTime). */
    @FunctionalInterface
    interface Answered {
        ProbeResult probe(RemoteConnection connection, long start);
    }

    /**
     * Opens the relay's {@code 127.0.0.1:port} and hands the connection to {@code then}, or says that
     * nothing answers there: the step every probe through the relay starts with.
     *
     * @throws HostUnreachableException when the relay session itself is lost
     */
    static ProbeResult whenAnswered(RemoteShell relay, int port, Duration timeout, LongSupplier nanoTime, Answered then) {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(timeout, "timeout");
        long start = nanoTime.getAsLong();
        RemoteConnection connection;
        try {
            connection = openLoopback(relay, port, timeout);
        } catch (NothingAnswers e) {
            return e.result;
        }
        return then.probe(connection, start);
    }

    /**
     * The channel to the relay's {@code 127.0.0.1:port}.
     *
     * @throws NothingAnswers when the port refuses while the relay session lives
     * @throws HostUnreachableException when the relay session itself is lost
     */
    static RemoteConnection openLoopback(RemoteShell relay, int port, Duration timeout) throws NothingAnswers {
        try {
            return relay.connectLoopback(port, timeout);
        } catch (HostUnreachableException e) {
            throw new NothingAnswers(nothingAnswers(relay, port, e));
        }
    }

    /**
     * What {@code refusal} of the relay's {@code 127.0.0.1:port} means while the relay session lives.
     *
     * @throws HostUnreachableException {@code refusal} itself, when the relay session is lost
     */
    private static ProbeResult.Unreached nothingAnswers(RemoteShell relay, int port, HostUnreachableException refusal) {
        if (!relay.isOpen()) {
            throw refusal;
        }
        return new ProbeResult.Unreached("nothing answers on the relay's 127.0.0.1:" + port + " (" + refusal.getMessage() + ")");
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
