package io.netpilot.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

    /** The first line {@code 127.0.0.1:port} sends within {@code timeout}; empty when nothing answers. */
    public static Optional<String> firstLine(int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
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
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
