package io.netpilot.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on {@code 127.0.0.1} between a client and a target, whose faults a test switches at
 * will: {@link #pass()} forwards, {@link #cut()} resets every connection and refuses new ones,
 * {@link #blackhole()} accepts and holds connections but forwards nothing (like a silent network
 * outage: bytes wait, and flow again after {@link #heal()}), {@link #latency(Duration)} delays every
 * chunk. A link made with {@link #sparingThisProcess} applies its faults only to connections from
 * other processes: a test breaks the path of a router's SSH client to the relay while the agent in
 * the test's own JVM still reaches the relay through the same address. Thread-safe; one virtual
 * thread per connection direction.
 */
public final class FaultyLink implements AutoCloseable {
    private enum Mode { PASS, CUT, BLACKHOLE }

    private static final Logger LOG = LoggerFactory.getLogger(FaultyLink.class);

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** The sockets of connections from this process, which a sparing link never faults. */
    private final Set<Socket> spared = ConcurrentHashMap.newKeySet();
    private final boolean spareOwn;
    /** Each open connection's upstream socket, by its client socket. */
    private final Map<Socket, Socket> upstreamOf = new ConcurrentHashMap<>();
    /** Upstream sockets {@link #strand()} left open and silent; ended by {@link #close()}. */
    private final Set<Socket> stranded = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flowing = lock.newCondition();
    private Mode mode = Mode.PASS;
    private Duration latency = Duration.ZERO;
    private ServerSocket listener;
    /** The thread accepting on {@link #listener}; guarded by the lock. */
    private Thread acceptor;
    private volatile boolean closed;

    private FaultyLink(int listenPort, String targetHost, int targetPort, boolean spareOwn) {
        this.spareOwn = spareOwn;
        this.targetHost = Objects.requireNonNull(targetHost, "targetHost");
        this.targetPort = targetPort;
        this.listener = bind(listenPort);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    /**
     * A link listening on {@code 127.0.0.1:listenPort} ({@code 0}: a free port) that forwards to
     * {@code targetHost:targetPort}; it starts in {@link #pass()} mode.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static FaultyLink between(int listenPort, String targetHost, int targetPort) {
        if (listenPort < 0 || listenPort > 65535 || targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("ports must be 0..65535 (listen) and 1..65535 (target), got " + listenPort + " and " + targetPort);
        }
        return new FaultyLink(listenPort, targetHost, targetPort, false);
    }

    /**
     * As {@link #between}, but connections from this JVM pass whatever the mode: only other
     * processes (a router's SSH client) see the faults. With it, {@link #cut()} keeps listening and
     * resets only the other processes' connections, new ones at once. Linux only (reads {@code /proc}).
     */
    public static FaultyLink sparingThisProcess(int listenPort, String targetHost, int targetPort) {
        if (listenPort < 0 || listenPort > 65535 || targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("ports must be 0..65535 (listen) and 1..65535 (target), got " + listenPort + " and " + targetPort);
        }
        return new FaultyLink(listenPort, targetHost, targetPort, true);
    }

    /** The port clients connect to, on {@code 127.0.0.1}. */
    public int port() {
        return port;
    }

    /**
     * Forwards again (latency kept); after {@link #cut()} the port accepts again.
     *
     * @throws UncheckedIOException when the port was taken by someone else meanwhile
     */
    public void pass() {
        setMode(Mode.PASS);
    }

    /** Resets every connection (RST) and refuses new ones until {@link #pass()} or {@link #heal()}. */
    public void cut() {
        setMode(Mode.CUT);
    }

    /** Holds every connection, new ones too, forwarding nothing until {@link #pass()} or {@link #heal()}. */
    public void blackhole() {
        setMode(Mode.BLACKHOLE);
    }

    /**
     * Drops every connection (but this process's, on a sparing link) the way a NAT that lost its state
     * does: the client's end is reset, the target's end stays open and silent, so the target holds a
     * stale session until it notices by itself or is told. New connections pass.
     */
    public void strand() {
        for (Map.Entry<Socket, Socket> e : upstreamOf.entrySet()) {
            if (!spared.contains(e.getKey())) {
                stranded.add(e.getValue());
                reset(e.getKey());
            }
        }
        LOG.debug("link 127.0.0.1:{} stranded its connections", port);
    }

    /** Delays every chunk of data by {@code d}, each direction. */
    public void latency(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + d);
        }
        lock.lock();
        try {
            latency = d;
        } finally {
            lock.unlock();
        }
    }

    /**
     * No more faults: forwards with no added latency.
     *
     * @throws UncheckedIOException when the port was taken by someone else meanwhile
     */
    public void heal() {
        latency(Duration.ZERO);
        setMode(Mode.PASS);
    }

    /** Closes the listener and every connection. Idempotent. */
    @Override
    public void close() {
        Thread closedAcceptor;
        lock.lock();
        try {
            closed = true;
            closedAcceptor = stopAccepting();
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
        awaitEnd(closedAcceptor);
        resetAll();
    }

    private void setMode(Mode next) {
        Thread closedAcceptor = null;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this FaultyLink is closed");
            }
            Mode previous = mode;
            mode = next;
            if (next == Mode.CUT && !spareOwn) {
                closedAcceptor = stopAccepting();
            } else if (previous == Mode.CUT && !spareOwn) {
                listener = bind(port);
                startAccepting(listener);
            }
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
        if (closedAcceptor != null) {
            awaitEnd(closedAcceptor); // its listener refuses for sure once its accept has returned
        }
        if (next == Mode.CUT) {
            resetAll();
        }
        LOG.debug("link 127.0.0.1:{} -> {}:{} now {}", port, targetHost, targetPort, next);
    }

    private static ServerSocket bind(int listenPort) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + listenPort + ": " + e.getMessage(), e);
        }
    }

    /** Closes the listener; returns its accepting thread, for {@link #awaitEnd}. Needs the lock. */
    private Thread stopAccepting() {
        closeQuietly(listener);
        return acceptor;
    }

    /**
     * Waits (a few seconds at most) for {@code t} to end. A listener closed while a virtual thread is
     * blocked in its accept may go on accepting until that accept returns (the JDK closes the socket
     * when its last user leaves it), so a cut or a close waits for it: a connection right after
     * {@link #cut()} or {@link #close()} is refused, not accepted and reset.
     */
    private static void awaitEnd(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startAccepting(ServerSocket s) {
        acceptor = Thread.ofVirtual().name("faulty-link-accept-" + s.getLocalPort()).start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    sockets.add(client);
                    if (spareOwn && LocalSockets.ownedByThisProcess(client.getPort(), port)) {
                        spared.add(client);
                    }
                    Thread.ofVirtual().start(() -> connect(client));
                } catch (IOException e) {
                    return; // listener closed by cut() or close()
                }
            }
        });
    }

    private void connect(Socket client) {
        Socket upstream = null;
        boolean spare = spared.contains(client);
        try {
            awaitFlowing(spare);
            upstream = new Socket();
            sockets.add(upstream);
            if (spare) {
                spared.add(upstream);
            }
            upstreamOf.put(client, upstream);
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
            Socket up = upstream;
            Thread toTarget = Thread.ofVirtual().start(() -> pump(client, up, spare));
            pump(up, client, spare);
            toTarget.join();
        } catch (IOException | InterruptedException e) {
            reset(client);
            if (upstream != null && !stranded.contains(upstream)) {
                reset(upstream);
            }
        } finally {
            upstreamOf.remove(client);
            closeQuietly(client);
            if (upstream != null && !stranded.contains(upstream)) {
                closeQuietly(upstream);
            }
            sockets.remove(client);
            spared.remove(client);
            if (upstream != null) {
                sockets.remove(upstream);
                spared.remove(upstream);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean spare) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                Duration delay = awaitFlowing(spare);
                if (delay.isPositive()) {
                    TimeUnit.NANOSECONDS.sleep(delay.toNanos());
                    awaitFlowing(spare);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            if (!stranded.contains(to)) {
                to.shutdownOutput();
            }
        } catch (IOException | InterruptedException e) {
            if (!stranded.contains(from)) {
                reset(from);
            }
            if (!stranded.contains(to)) {
                reset(to);
            }
        }
    }

    /**
     * Waits while the link is blackholed; fails when it is cut or closed. Returns the latency to add.
     * A {@code spare}d connection only fails when the link is closed.
     */
    private Duration awaitFlowing(boolean spare) throws InterruptedException, SocketException {
        lock.lock();
        try {
            if (spare) {
                if (closed) {
                    throw new SocketException("link closed");
                }
                return Duration.ZERO;
            }
            while (mode == Mode.BLACKHOLE && !closed) {
                flowing.await();
            }
            if (mode == Mode.CUT || closed) {
                throw new SocketException("link cut");
            }
            return latency;
        } finally {
            lock.unlock();
        }
    }

    private void resetAll() {
        if (closed) {
            stranded.forEach(FaultyLink::reset);
            stranded.clear();
        }
        for (Socket s : sockets) {
            if (!closed && (spared.contains(s) || stranded.contains(s))) {
                continue;
            }
            reset(s);
            sockets.remove(s);
        }
    }

    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // Already broken: closing is all that is left.
        }
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            // Nothing to do: it is being thrown away.
        }
    }
}
