package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * {@link EndToEndProbe} that reads the router's SSH identification line through the relay
 * ({@code direct-tcpip} to the relay's {@code 127.0.0.1:port}). RFC 4253 lets a server send other
 * lines before {@code SSH-}; up to a few are skipped. The round trip is measured with a monotonic
 * clock (injected for tests). Stateless, thread-safe.
 */
final class BannerProbe implements EndToEndProbe {
    private static final int MAX_BYTES = 4096;
    private static final int MAX_LINES = 8;

    private final LongSupplier nanoTime;

    BannerProbe(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public ProbeResult probe(RemoteShell relay, int port, Duration timeout) {
        return whenAnswered(relay, port, timeout, nanoTime, (connection, start) -> readBannerWithin(connection, start, port, timeout));
    }

    private ProbeResult readBannerWithin(RemoteConnection connection, long start, int port, Duration timeout) {
        try (connection; ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> banner = reader.submit(() -> readBanner(connection.input()));
            long left = timeout.toNanos() - (nanoTime.getAsLong() - start);
            try {
                String line = banner.get(Math.max(left, 1), TimeUnit.NANOSECONDS);
                Duration rtt = Duration.ofNanos(nanoTime.getAsLong() - start);
                if (line.startsWith("SSH-2.0-")) {
                    return new ProbeResult.Reached(line, rtt);
                }
                return new ProbeResult.Unreached(line.isEmpty()
                        ? "relay port " + port + " closed the connection without an SSH banner: the router's SSH server or the tunnel is down"
                        : "relay port " + port + " answered something that is not an SSH-2.0 server: " + printable(line));
            } catch (TimeoutException e) {
                connection.close(); // unblocks the reader
                return new ProbeResult.Unreached("no SSH banner on relay port " + port + " within " + timeout);
            } catch (ExecutionException e) {
                return new ProbeResult.Unreached("reading relay port " + port + " failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ProbeResult.Unreached("probe of relay port " + port + " interrupted");
            }
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
            if (!relay.isOpen()) {
                throw e;
            }
            throw new NothingAnswers(new ProbeResult.Unreached("nothing answers on the relay's 127.0.0.1:" + port + " (" + e.getMessage() + ")"));
        }
    }

    /** The first line starting with {@code SSH-}, else the last line read, else empty at end of stream. */
    static String readBanner(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String last = "";
        int total = 0;
        int lines = 0;
        int b;
        while (total < MAX_BYTES && (b = in.read()) >= 0) {
            total++;
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
                if (text.startsWith("SSH-") || ++lines >= MAX_LINES) {
                    return text;
                }
                last = text;
                line.reset();
            } else {
                line.write(b);
            }
        }
        return line.size() > 0 ? line.toString(StandardCharsets.UTF_8).stripTrailing() : last;
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
