package io.netpilot.testkit;

import io.netpilot.core.SshAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link EmbeddedRelay} and {@link EmbeddedRouter} share: an Apache MINA SSHD server on
 * {@code 127.0.0.1} (any free port) for the current user, with a fresh ECDSA host key, and the tracker
 * of every process its commands start, all of which {@link #close()} ends. Each adds its own
 * authentication and commands to {@link #server} in its constructor, before {@link #startServer()}.
 * Thread-safe.
 */
abstract class EmbeddedSshServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSshServer.class);

    /** "relay" or "router": names the server in messages and its tracker's instance id. */
    private final String what;
    private final KeyPair hostKey = HostKeys.generateEcdsa();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The account commands run as and clients log in to: the current user. */
    final String user = System.getProperty("user.name");
    final ProcessTracker tracker;
    final SshServer server = SshServer.setUpDefaultServer();

    EmbeddedSshServer(String what) {
        this.what = what;
        this.tracker = new ProcessTracker(what + "-" + UUID.randomUUID());
        // Like OpenSSH's sshd, which writes a command's exit status, EOF and close at once: MINA writes
        // them one by one, and Nagle's algorithm would hold each back ~40 ms for the client's delayed ACK.
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    }

    /** @throws UncheckedIOException when the server cannot start */
    final void startServer() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded " + what + "'s SSH server on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * The SSH port on {@code 127.0.0.1}.
     *
     * @return the port
     */
    public int port() {
        return server.getPort();
    }

    /**
     * Where to log in: {@code <current user>@127.0.0.1:<port>}.
     *
     * @return the address
     */
    public SshAddress address() {
        return new SshAddress(user, "127.0.0.1", port());
    }

    /**
     * The server's host key in {@code authorized_keys} form: {@code ecdsa-sha2-nistp256 AAAA...}.
     *
     * @return the key line
     */
    public String hostPublicKey() {
        return HostKeys.authorizedForm(hostKey.getPublic());
    }

    /**
     * The pids of still-running processes started through this server, detached descendants included.
     *
     * @return the pids
     */
    public Set<Long> livePids() {
        return tracker.livePids();
    }

    /** How long a tracked process gets between TERM and KILL. */
    static Duration grace() {
        return TestTimeouts.scaled(Duration.ofMillis(500));
    }

    /**
     * Stops the server (which closes every session and forward) and ends every process it started.
     * Idempotent.
     *
     * @throws AssertionError when a process it started is still alive afterwards
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.warn("embedded {} 127.0.0.1:{} did not stop cleanly: {}", what, server.getPort(), e.toString());
        }
        Set<Long> left = tracker.killAll(grace(), TestTimeouts.scaled(Duration.ofSeconds(5)));
        if (!left.isEmpty()) {
            throw new AssertionError("embedded " + what + " left processes alive after close: " + left);
        }
        closed();
    }

    /** What a subclass removes once the server is stopped and its processes ended; nothing by default. */
    void closed() {}
}
