package io.netpilot.core.spi;

import io.netpilot.core.SshAddress;
import java.time.Duration;

/**
 * A logged-in session on a router or relay that runs commands through the host's {@code sh}.
 * Thread-safe: commands may run concurrently, each on its own channel.
 *
 * <p>The command text reaches a shell: build it only from fixed text and values passed through
 * {@link ShellQuoting#quote}. Both methods throw {@link io.netpilot.core.RemoteCommandException} on
 * a timeout or output beyond the bound, and {@link io.netpilot.core.HostUnreachableException} when
 * the connection is lost.
 */
public interface RemoteShell extends AutoCloseable {
    /** The host this shell is logged in to. */
    SshAddress address();

    /**
     * The host's public key as the session verified it, in {@code authorized_keys} form
     * ({@code ssh-ed25519 AAAA...}); used to pin the relay's key on routers.
     */
    String hostPublicKey();

    /**
     * Every host key the host is known to hold, in {@code authorized_keys} form, {@link #hostPublicKey()}
     * first: an OpenSSH server announces all of them after login ({@code hostkeys-00@openssh.com}). A
     * router's client may negotiate any of them, so all are pinned on the router.
     */
    default java.util.List<String> hostPublicKeys() {
        return java.util.List.of(hostPublicKey());
    }

    /** Runs {@code command}, waiting at most {@code timeout}. */
    CommandResult exec(String command, Duration timeout);

    /** Runs {@code command} with {@code stdin} as its standard input (then closed). */
    CommandResult exec(String command, byte[] stdin, Duration timeout);

    /**
     * Opens a TCP connection from the host to its own {@code 127.0.0.1:port}, through the session
     * ({@code direct-tcpip}); used by the end-to-end probe.
     *
     * @throws io.netpilot.core.HostUnreachableException when the host refuses or the port is closed
     */
    RemoteConnection connectLoopback(int port, Duration timeout);

    /** Whether the session is still connected and authenticated. */
    boolean isOpen();

    @Override
    void close();
}
