package io.netpilot.ssh.internal;

import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * {@link RemoteShell} over one authenticated MINA {@link ClientSession}, and its {@link PushLoopback} for the
 * frequent probe. Thread-safe: one channel per call.
 */
final class MinaRemoteShell implements RemoteShell, PushLoopback {
    private static final byte[] NO_INPUT = new byte[0];

    private final SshAddress address;
    private final ClientSession session;
    private final SshSettings settings;
    private final Consumer<MinaRemoteShell> onClose;
    private final String hostPublicKey;

    MinaRemoteShell(SshAddress address, ClientSession session, SshSettings settings, Consumer<MinaRemoteShell> onClose) {
        this.address = address;
        this.session = session;
        this.settings = settings;
        this.onClose = onClose;
        this.hostPublicKey = PublicKeyEntry.toString(session.getServerKey());
    }

    @Override
    public SshAddress address() {
        return address;
    }

    @Override
    public String hostPublicKey() {
        return hostPublicKey;
    }

    @Override
    public List<String> hostPublicKeys() {
        List<String> all = new ArrayList<>(List.of(hostPublicKey));
        Optional.ofNullable(session.getAttribute(AnnouncedHostKeys.ANNOUNCED)).orElse(List.of()).stream()
                .map(PublicKeyEntry::toString).filter(k -> !all.contains(k)).forEach(all::add);
        return List.copyOf(all);
    }

    @Override
    public CommandResult exec(String command, Duration timeout) {
        return exec(command, NO_INPUT, timeout);
    }

    @Override
    public CommandResult exec(String command, byte[] stdin, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(stdin, "stdin");
        Duration bound = timeout == null ? settings.commandTimeout() : timeout;
        if (bound.isNegative() || bound.isZero()) {
            throw new InvalidInputException("a command timeout must be positive, not " + bound);
        }
        requireOpen();
        long deadline = System.nanoTime() + bound.toNanos();
        ChannelExec channel = null;
        try {
            Opened opened = openExec(command, stdin, deadline);
            ChannelExec ch = opened.channel();
            channel = ch;
            BoundedOutput out = opened.out();
            BoundedOutput err = opened.err();
            if (stdin.length == 0) {
                // EOF at once: no pump thread (a new platform thread per command) for nothing to send;
                // the supervisor's lease renewals run such a command per tunnel every few seconds
                ch.getInvertedIn().close();
            }
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), remaining(deadline));
            if (out.overflowed() || err.overflowed()) {
                throw new RemoteCommandException("a command on " + address.hostAndPort() + " wrote more than "
                        + settings.outputLimit() + " bytes and was stopped: " + summary(command)
                        + "; narrow what it prints");
            }
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new RemoteCommandException("a command on " + address.hostAndPort() + " timed out after " + bound
                        + ": " + summary(command) + "; check the host's load, or allow it more time");
            }
            Integer status = ch.getExitStatus();
            if (status == null) {
                if (!session.isOpen()) {
                    throw lost(null);
                }
                String signal = ch.getExitSignal();
                return new CommandResult(-1, out.text(),
                        err.text() + (signal == null ? "" : "(ended by signal " + signal + ")"));
            }
            return new CommandResult(status, out.text(), err.text());
        } catch (IOException e) {
            if (!session.isOpen()) {
                throw lost(e);
            }
            if (SshErrors.isTimeout(e)) {
                throw new RemoteCommandException("a command on " + address.hostAndPort() + " timed out after " + bound
                        + " (" + SshErrors.describe(e) + "): " + summary(command) + "; check the host's load, or allow it more time", e);
            }
            throw new RemoteCommandException("could not run a command on " + address.hostAndPort() + " ("
                    + SshErrors.describe(e) + "): " + summary(command) + "; check the session and retry", e);
        } finally {
            if (channel != null) {
                channel.close(true);
            }
        }
    }

    /** The first wait before opening a refused command channel again; it doubles up to {@link #REFUSED_PAUSE_MAX_MILLIS}. */
    private static final long REFUSED_PAUSE_MILLIS = 25;
    private static final long REFUSED_PAUSE_MAX_MILLIS = 400;
    /** How long, in all, a command waits for the server to take its channel. */
    private static final long REFUSED_FOR_MILLIS = 3000;

    /** A command's open channel and the bounded buffers its output goes to. */
    private record Opened(ChannelExec channel, BoundedOutput out, BoundedOutput err) {}

    /**
     * Opens {@code command}'s channel by {@code deadline}. OpenSSH refuses a session channel over
     * MaxSessions (10 per connection; "open failed"), counting a command's session until it has reaped
     * the command's process, which may be after its channel closed: a session many tunnels share meets
     * that briefly, so a refusal is tried again for up to {@link #REFUSED_FOR_MILLIS} (a server that
     * refuses every command still says so within it). A channel that did not open is closed here.
     */
    private Opened openExec(String command, byte[] stdin, long deadline) throws IOException {
        long paused = 0;
        for (long pauseMillis = REFUSED_PAUSE_MILLIS;; pauseMillis = Math.min(pauseMillis * 2, REFUSED_PAUSE_MAX_MILLIS)) {
            ChannelExec ch = session.createExecChannel(command);
            BoundedOutput out = new BoundedOutput(settings.outputLimit(), () -> ch.close(true));
            BoundedOutput err = new BoundedOutput(settings.outputLimit(), () -> ch.close(true));
            ch.setOut(out);
            ch.setErr(err);
            if (stdin.length > 0) {
                ch.setIn(new ByteArrayInputStream(stdin)); // MINA pumps it from a thread of its own
            }
            try {
                ch.open().verify(remaining(deadline));
                return new Opened(ch, out, err);
            } catch (IOException e) {
                ch.close(true);
                if (!SshErrors.isChannelRefusal(e) || paused + pauseMillis > REFUSED_FOR_MILLIS
                        || System.nanoTime() + pauseMillis * 1_000_000 >= deadline) {
                    throw e;
                }
            } catch (RuntimeException e) {
                ch.close(true);
                throw e;
            }
            pause(pauseMillis);
            paused += pauseMillis;
        }
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to open a command channel again");
        }
    }

    @Override
    public RemoteConnection connectLoopback(int port, Duration timeout) {
        requireLoopbackPort(port);
        Objects.requireNonNull(timeout, "timeout");
        requireOpen();
        ChannelDirectTcpip channel = null;
        try {
            channel = session.createDirectTcpipChannel(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress("127.0.0.1", port));
            channel.open().verify(timeout);
            return new TcpipConnection(channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(true);
            }
            throw refused(port, e);
        }
    }

    @Override
    public Handle pushLoopback(int port, Receiver receiver) {
        requireLoopbackPort(port);
        Objects.requireNonNull(receiver, "receiver");
        requireOpen();
        ProbeChannel channel = new ProbeChannel(port, receiver, e -> refused(port, e));
        try {
            session.getService(ConnectionService.class).registerChannel(channel);
            channel.start();
            return channel::shut;
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            throw refused(port, e);
        }
    }

    /** Why the host's {@code 127.0.0.1:port} could not be opened: the session is lost, or the port refused. */
    private HostUnreachableException refused(int port, Throwable e) {
        if (!session.isOpen()) {
            return lost(e);
        }
        return new HostUnreachableException(address.hostAndPort() + " could not connect to its own 127.0.0.1:"
                + port + " (" + SshErrors.describe(e) + "); check that something listens there and that the"
                + " SSH server allows TCP forwarding", e);
    }

    private static void requireLoopbackPort(int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("a loopback port must be from 1 to 65535, not " + port);
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && session.isAuthenticated();
    }

    @Override
    public void close() {
        try {
            session.close(true);
        } finally {
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "RemoteShell[" + address + (isOpen() ? "" : ", closed") + "]";
    }

    /** For tests: how many channels the session holds (open, or closing). */
    int channels() {
        return ((AbstractConnectionService) session.getService(ConnectionService.class)).getChannels().size();
    }

    private void requireOpen() {
        if (!session.isOpen()) {
            throw new HostUnreachableException("the session to " + address.hostAndPort()
                    + " is closed; open a new one (the host may have dropped it or the network failed)");
        }
    }

    private HostUnreachableException lost(Throwable cause) {
        return new HostUnreachableException("lost the connection to " + address.hostAndPort()
                + "; reconnect and retry (check the network and that the host is up)", cause);
    }

    private static Duration remaining(long deadline) {
        long left = deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(left, 1_000_000));
    }

    private static String summary(String command) {
        String first = command.strip().lines().findFirst().orElse("");
        return first.length() > 80 ? first.substring(0, 80) + "..." : first;
    }

    /** A direct-tcpip channel as a {@link RemoteConnection}. Not thread-safe, as its interface says. */
    private static final class TcpipConnection implements RemoteConnection {
        private final ChannelDirectTcpip channel;

        TcpipConnection(ChannelDirectTcpip channel) {
            this.channel = channel;
        }

        @Override
        public InputStream input() {
            return channel.getInvertedOut();
        }

        @Override
        public OutputStream output() {
            return channel.getInvertedIn();
        }

        @Override
        public void close() {
            channel.close(false);
        }
    }
}
