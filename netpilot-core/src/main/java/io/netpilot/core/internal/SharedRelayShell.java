package io.netpilot.core.internal;

import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A relay session many tunnels share ({@link RelaySessions}), running at most {@link #MAX_COMMANDS}
 * commands at once. OpenSSH lets one connection hold only {@code MaxSessions} (default 10) session
 * channels, and every command is one: a fleet that runs more at once on one session (say after a
 * relay restart, every tunnel's diagnosis at the same time) would have the rest refused. Commands
 * beyond the limit wait for a free channel within their own timeout. The probes' {@code direct-tcpip}
 * channels do not count and are not limited. Thread-safe.
 */
final class SharedRelayShell implements RemoteShell {
    /** Below OpenSSH's default {@code MaxSessions} of 10. */
    static final int MAX_COMMANDS = 8;

    private final RemoteShell session;
    private final Semaphore channels = new Semaphore(MAX_COMMANDS, true);

    SharedRelayShell(RemoteShell session) {
        this.session = session;
    }

    /** The session it shares. */
    RemoteShell session() {
        return session;
    }

    @Override
    public SshAddress address() {
        return session.address();
    }

    @Override
    public String hostPublicKey() {
        return session.hostPublicKey();
    }

    @Override
    public List<String> hostPublicKeys() {
        return session.hostPublicKeys();
    }

    @Override
    public CommandResult exec(String command, Duration timeout) {
        long start = System.nanoTime();
        acquire(command, timeout);
        try {
            return session.exec(command, left(timeout, start));
        } finally {
            channels.release();
        }
    }

    @Override
    public CommandResult exec(String command, byte[] stdin, Duration timeout) {
        long start = System.nanoTime();
        acquire(command, timeout);
        try {
            return session.exec(command, stdin, left(timeout, start));
        } finally {
            channels.release();
        }
    }

    private void acquire(String command, Duration timeout) {
        try {
            if (!channels.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RemoteCommandException("no free channel on the session to relay " + session.address() + " within " + timeout
                        + " (" + MAX_COMMANDS + " commands of its tunnels run on it); did not run: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteCommandException("interrupted while waiting for a channel on the session to relay " + session.address(), e);
        }
    }

    /** What is left of {@code timeout} after waiting since {@code start}; a command always gets a moment. */
    private static Duration left(Duration timeout, long start) {
        Duration rest = timeout.minusNanos(System.nanoTime() - start);
        return rest.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : rest;
    }

    @Override
    public RemoteConnection connectLoopback(int port, Duration timeout) {
        return session.connectLoopback(port, timeout);
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
