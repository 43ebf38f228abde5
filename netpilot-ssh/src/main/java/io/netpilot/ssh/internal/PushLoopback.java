package io.netpilot.ssh.internal;

/**
 * A {@link io.netpilot.core.spi.RemoteShell} whose loopback connections hand what they receive to a
 * {@link Receiver} as it arrives, on the session's I/O thread: no reading thread, no streams, and nothing
 * sent but the channel's open and its close. What the end-to-end probe uses, every couple of seconds per
 * tunnel; {@link io.netpilot.core.spi.RemoteShell#connectLoopback} is the general form.
 */
public interface PushLoopback {
    /**
     * Starts opening a TCP connection from the host to its own {@code 127.0.0.1:port} through the session
     * ({@code direct-tcpip}) and returns at once; {@code receiver} hears how it goes. Close the handle when
     * done: it closes the connection, at once if it is not open yet.
     *
     * @throws io.netpilot.core.HostUnreachableException when the session is closed or the channel cannot be started
     */
    Handle pushLoopback(int port, Receiver receiver);

    /** Hears one loopback connection. Called on the session's I/O thread (or the opener's): must not block. */
    interface Receiver {
        /** The host opened the connection. */
        void opened();

        /**
         * Bytes the host's end sent; false when nothing more is wanted, which starts closing the connection
         * there and then (on the I/O thread, saving the prober a hand-over of the close's write).
         */
        boolean received(byte[] data, int offset, int length);

        /**
         * The connection ended: with {@code failure} (a {@link io.netpilot.core.HostUnreachableException}) when
         * it could not be opened, else null once the other end finished sending or the channel closed. May
         * come more than once; the first counts.
         */
        void ended(Exception failure);
    }

    /** Closes the connection. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }
}
