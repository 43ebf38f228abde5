package io.netpilot.ssh.internal.tunnel;

import io.netpilot.ssh.internal.PushLoopback;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Picks a server's SSH identification line out of the bytes of one connection, as they arrive: the first
 * line starting with {@code SSH-}, else the last line read (RFC 4253 lets a server send other lines first;
 * up to {@value #MAX_LINES} lines or {@value #MAX_BYTES} bytes are read), else empty when the connection
 * ends first. Fed on the session's I/O thread, awaited on the prober's. Thread-safe.
 */
final class BannerLine implements PushLoopback.Receiver {
    static final int MAX_BYTES = 4096;
    static final int MAX_LINES = 8;

    private final CompletableFuture<String> line = new CompletableFuture<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream(64);
    private String last = "";
    private int total;
    private int lines;
    private volatile boolean opened;

    @Override
    public void opened() {
        opened = true;
    }

    /** Whether the connection was opened (a banner may still be missing). */
    boolean wasOpened() {
        return opened;
    }

    @Override
    public synchronized boolean received(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length && !line.isDone(); i++) {
            take(data[i]);
        }
        return !line.isDone();
    }

    private void take(byte b) {
        total++;
        if (b == '\n') {
            String text = current.toString(StandardCharsets.UTF_8).stripTrailing();
            if (text.startsWith("SSH-") || ++lines >= MAX_LINES) {
                line.complete(text);
                return;
            }
            last = text;
            current.reset();
        } else {
            current.write(b);
        }
        if (total >= MAX_BYTES) {
            ended(null);
        }
    }

    @Override
    public synchronized void ended(Exception failure) {
        if (failure != null) {
            line.completeExceptionally(failure);
        } else {
            line.complete(current.size() > 0 ? current.toString(StandardCharsets.UTF_8).stripTrailing() : last);
        }
    }

    /**
     * The line, once known.
     *
     * @throws TimeoutException when it is not known within {@code nanos}
     * @throws ExecutionException when the connection failed ({@link ExecutionException#getCause()} says how)
     * @throws InterruptedException when interrupted while waiting
     */
    String await(long nanos) throws TimeoutException, ExecutionException, InterruptedException {
        return line.get(Math.max(nanos, 1), TimeUnit.NANOSECONDS);
    }
}
