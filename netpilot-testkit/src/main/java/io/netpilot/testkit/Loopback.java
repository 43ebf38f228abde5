package io.netpilot.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A plain TCP client on 127.0.0.1, as a technician's {@code ssh -p PORT} would first see a tunnel:
 * whether the port accepts, and the first line it sends (an SSH server's {@code SSH-2.0-} banner).
 * Stateless, thread-safe.
 */
public final class Loopback {
    private Loopback() {}

    /**
     * A TCP connection to {@code 127.0.0.1:port}. Refuses a connection to itself: when nothing
     * listens on a port of the ephemeral range, Linux may give the client that very port as its
     * source and complete a "simultaneous open" with itself, which looks like a listener but is not.
     *
     * @throws ConnectException when nothing listens on {@code port}
     * @throws IOException when the connection fails otherwise
     */
    public static Socket connect(int port, Duration timeout) throws IOException {
        return connect(new Socket(), port, timeout);
    }

    /** {@link #connect(int, Duration)} with a socket the caller made (and may have bound). */
    static Socket connect(Socket s, int port, Duration timeout) throws IOException {
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
            if (s.getLocalPort() == port) {
                throw new ConnectException("nothing listens on 127.0.0.1:" + port + " (the client connected to itself)");
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** The first line {@code 127.0.0.1:port} sends within {@code timeout}; empty when nothing answers. */
    public static Optional<String> firstLine(int port, Duration timeout) {
        try (Socket s = connect(port, timeout)) {
            s.setSoTimeout((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
            return Optional.ofNullable(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The SSH banner {@code 127.0.0.1:port} sends within {@code timeout}, if it sends one. */
    public static Optional<String> sshBanner(int port, Duration timeout) {
        return firstLine(port, timeout).filter(line -> line.startsWith("SSH-2.0-"));
    }

    /** Whether something accepts connections on {@code 127.0.0.1:port}. */
    public static boolean accepting(int port) {
        try {
            connect(port, Duration.ofSeconds(1)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
