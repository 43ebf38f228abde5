package io.netpilot.ssh.internal;

import java.io.IOException;
import java.util.function.Function;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel that hands what arrives straight to a {@link PushLoopback.Receiver}:
 * no piped stream for a reader thread to wait on, and no output stream, so its close sends no
 * {@code SSH_MSG_CHANNEL_EOF} before {@code SSH_MSG_CHANNEL_CLOSE} (one packet fewer each way through
 * the cipher and the socket; RFC 4254 lets a side close without EOF). Thread-safe as MINA's channels are.
 */
final class ProbeChannel extends ChannelDirectTcpip {
    private static final SshdSocketAddress FROM = new SshdSocketAddress("127.0.0.1", 0);

    private final PushLoopback.Receiver receiver;
    private final Function<Throwable, Exception> refused;
    private final String name;
    private volatile OpenFuture opening;

    /** {@code refused} says why the channel did not open, from MINA's reason. */
    ProbeChannel(int port, PushLoopback.Receiver receiver, Function<Throwable, Exception> refused) {
        super(FROM, new SshdSocketAddress("127.0.0.1", port));
        this.receiver = receiver;
        this.refused = refused;
        this.name = "ProbeChannel[127.0.0.1:" + port + "]";
        addCloseFutureListener(closed -> {
            OpenFuture f = opening;
            // closed before it opened (the session ended, or the prober gave up): a refusal, as an open that fails
            receiver.ended(f != null && f.isOpened() ? null : refused.apply(new IOException("the channel closed before it opened")));
        });
    }

    /** Sends the open request; the outcome goes to the receiver. */
    void start() throws IOException {
        OpenFuture f = open();
        opening = f;
        f.addListener(done -> {
            if (done.isOpened()) {
                receiver.opened();
            } else {
                receiver.ended(refused.apply(done.getException()));
            }
        });
    }

    @Override
    protected void doOpen() {
        // no streams: doWriteData hands the bytes over
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        if (isClosing()) {
            return;
        }
        if (receiver.received(data, off, (int) len)) {
            getLocalWindow().release(len);
        } else {
            close(false);
        }
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        receiver.ended(null);
    }

    /**
     * A fixed name: MINA names a channel in every close (its own {@code toString()} formats the channel and
     * session afresh, twice per close), and in its logs.
     */
    @Override
    public String toString() {
        return name;
    }

    /** Closes gracefully (CLOSE, and the host's CLOSE awaited by MINA) once open, at once before; returns at once. */
    void shut() {
        OpenFuture f = opening;
        close(f == null || !f.isOpened());
    }
}
