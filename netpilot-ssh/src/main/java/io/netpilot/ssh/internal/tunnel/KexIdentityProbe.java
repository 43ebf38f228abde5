package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * {@link IdentityProbe} that runs MINA's SSH client over a {@code direct-tcpip} channel to the relay's
 * {@code 127.0.0.1:port} (bridged through a one-shot loopback socket, as MINA's client connects to
 * socket addresses) as far as the server's host key: the key exchange makes the server prove it holds
 * that key, and the probe stops there, never authenticating. Its own MINA client, started and stopped
 * per probe (identity probes are minutes apart). Stateless, thread-safe.
 */
final class KexIdentityProbe implements IdentityProbe {
    private final LongSupplier nanoTime;

    KexIdentityProbe(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public ProbeResult verify(RemoteShell relay, int port, HostKeyFingerprint pinnedRouterKey, Duration timeout) {
        Objects.requireNonNull(pinnedRouterKey, "pinnedRouterKey");
        return BannerProbe.whenAnswered(relay, port, timeout, nanoTime,
                (connection, start) -> exchangeKeys(connection, start, port, pinnedRouterKey, timeout));
    }

    private ProbeResult exchangeKeys(RemoteConnection connection, long start, int port, HostKeyFingerprint pinnedRouterKey, Duration timeout) {
        AtomicReference<PublicKey> offered = new AtomicReference<>();
        SshClient client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        // Record the key the server proved to hold, and stop: this probe never logs in.
        client.setServerKeyVerifier((session, remote, key) -> {
            offered.set(key);
            return false;
        });
        String banner = null;
        String failure = null;
        // Closed in reverse: the bridge and the channel first, which ends the pumps the executor waits for.
        try (ExecutorService pumps = Executors.newVirtualThreadPerTaskExecutor(); connection;
                ServerSocket bridge = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pumps.submit(() -> pump(bridge, connection));
            client.start();
            try (ClientSession session = client.connect("netpilot-probe", "127.0.0.1", bridge.getLocalPort()).verify(timeout).getSession()) {
                session.waitFor(EnumSet.of(ClientSessionEvent.CLOSED), timeout);
                banner = session.getServerVersion();
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage();
            }
        } catch (IOException e) {
            failure = e.getMessage();
        } finally {
            client.stop();
        }
        PublicKey key = offered.get();
        if (key == null) {
            return new ProbeResult.Unreached("relay port " + port + " did not complete an SSH key exchange within " + timeout
                    + (banner == null ? " and sent no SSH banner: it is not an SSH server, or the tunnel is down" : " (banner " + banner + ")")
                    + (failure == null ? "" : ": " + failure));
        }
        String seen = KeyUtils.getFingerPrint(key);
        if (!seen.equals(pinnedRouterKey.value())) {
            return new ProbeResult.Unreached("relay port " + port + " reaches an SSH server with host key " + seen
                    + ", not this router's pinned key " + pinnedRouterKey + ": another router (or program) holds the port,"
                    + " so the tunnel does not reach this router");
        }
        return new ProbeResult.Reached(banner == null ? "SSH-2.0-?" : banner, Duration.ofNanos(nanoTime.getAsLong() - start));
    }

    /** Joins the one client the bridge accepts with the channel, both ways, until either side ends. */
    private static Void pump(ServerSocket bridge, RemoteConnection connection) throws IOException {
        try (Socket socket = bridge.accept(); ExecutorService copy = Executors.newVirtualThreadPerTaskExecutor()) {
            copy.submit(() -> copy(connection.input(), socket.getOutputStream(), socket));
            copy(socket.getInputStream(), connection.output(), socket);
        }
        return null;
    }

    private static Void copy(InputStream in, OutputStream out, Socket socket) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // either side closed: the probe is over
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        return null;
    }
}
