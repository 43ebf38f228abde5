package io.netpilot.core.spi;

import java.io.InputStream;
import java.io.OutputStream;

/** A TCP connection opened from a remote host (SSH {@code direct-tcpip}). Not thread-safe. */
public interface RemoteConnection extends AutoCloseable {
    InputStream input();

    OutputStream output();

    @Override
    void close();
}
