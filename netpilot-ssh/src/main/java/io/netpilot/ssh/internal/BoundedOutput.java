package io.netpilot.ssh.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a command's output up to a bound; past it, keeps nothing more, remembers the overflow
 * and runs {@code onOverflow} once (which closes the channel). Thread-safe.
 */
final class BoundedOutput extends OutputStream {
    private final int limit;
    private final Runnable onOverflow;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean overflowed;

    BoundedOutput(int limit, Runnable onOverflow) {
        this.limit = limit;
        this.onOverflow = onOverflow;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        boolean first;
        synchronized (this) {
            if (overflowed) {
                return;
            }
            if (bytes.size() + (long) len <= limit) {
                bytes.write(b, off, len);
                return;
            }
            overflowed = true;
            first = true;
        }
        if (first) {
            onOverflow.run();
        }
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
