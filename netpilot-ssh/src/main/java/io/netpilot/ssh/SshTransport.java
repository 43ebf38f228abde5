package io.netpilot.ssh;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.ssh.internal.SshInternals;

/**
 * The agent's SSH client: one started MINA {@code SshClient} shared by every session it opens.
 * Host keys are checked against {@link SshSettings#knownHosts()}; {@link Credentials.AgentKey}
 * logs in with the key pair at {@link SshSettings#agentKey()}, made on first use.
 *
 * <p>Thread-safe: sessions may be opened concurrently. Closing it closes every session it opened.
 */
public interface SshTransport extends ShellConnector, AutoCloseable {
    /**
     * Starts a client with {@code settings}. The agent key is loaded (or made) on first use.
     *
     * @throws io.netpilot.core.NetPilotException when the client cannot start
     */
    static SshTransport start(SshSettings settings) {
        return SshInternals.transport(settings);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A password is copied for this call only; the caller's {@link Credentials.Password} is not
     * cleared, so it can install the agent key afterwards.
     *
     * @throws io.netpilot.core.InvalidInputException when a key file cannot be read
     * @throws IllegalStateException when this transport is closed
     */
    @Override
    RemoteShell open(SshAddress address, Credentials credentials, HostKeyPolicy policy);

    /** The agent's key pair (loaded or made now when needed). */
    AgentKeys agentKeys();

    /** The settings this transport runs with. */
    SshSettings settings();

    /** Closes every open session and stops the client. */
    @Override
    void close();
}
