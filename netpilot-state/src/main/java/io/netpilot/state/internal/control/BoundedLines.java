package io.netpilot.state.internal.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code \n}-terminated UTF-8 lines of at most a given number of bytes, so that a peer
 * that never sends a newline cannot make the reader buffer without end. Not thread-safe.
 */
final class BoundedLines {
    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[8192];
    private int start;
    private int end;

    BoundedLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * The next line without its terminator.
     *
     * @return the line, or null at the end of the stream
     * @throws TooLong when a line exceeds the bound (what was read of it is dropped)
     * @throws IOException when reading fails
     */
    String next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    return line.toString(StandardCharsets.UTF_8);
                }
            }
            line.write(buffer, start, end - start);
            start = end;
            if (line.size() > maxBytes) {
                throw new TooLong(maxBytes);
            }
            int n = in.read(buffer);
            if (n < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            start = 0;
            end = n;
        }
    }

    /** A line longer than the bound. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong(int maxBytes) {
            super("a control request longer than " + maxBytes + " bytes was refused");
        }
    }
}
