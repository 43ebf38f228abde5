package io.netpilot.core.internal;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tunnel's supervisor thread, as the tunnel holds it: started, woken to check at once, asked to
 * stop, waited for. What the thread does is the {@link Supervisor}'s. Thread-safe.
 */
final class Supervision {
    private static final Logger LOG = LoggerFactory.getLogger(Supervision.class);
    /** How long stopping waits for the supervisor thread to end. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(5);

    private volatile Thread supervisor;
    private volatile boolean stopRequested;
    private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>();
    private final AtomicBoolean retryRequested = new AtomicBoolean();

    /** Starts {@code loop} as its supervisor, on a virtual thread. */
    void start(String name, Runnable loop) {
        stopRequested = false;
        supervisor = Thread.ofVirtual().name(name).start(loop);
    }

    /** Whether the thread runs. */
    boolean running() {
        Thread th = supervisor;
        return th != null && th.isAlive();
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** Asks its supervisor to stop, without waiting for it. */
    void requestStop() {
        stopRequested = true;
        wake();
        Thread th = supervisor;
        if (th != null && th != Thread.currentThread()) {
            th.interrupt();
        }
    }

    /** Asks its supervisor to stop and waits (bounded) until it has; from its own supervisor, only asks. */
    void stop() {
        requestStop();
        Thread th = supervisor;
        if (th != null && th != Thread.currentThread()) {
            try {
                if (!th.join(STOP_BOUND)) {
                    LOG.warn("supervisor {} did not stop within {}", th.getName(), STOP_BOUND);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until its supervisor (if any) has ended. */
    void awaitEnd() throws InterruptedException {
        Thread th = supervisor;
        if (th != null && th != Thread.currentThread()) {
            th.join();
        }
    }

    /** Makes the supervisor check at once instead of at its next interval. */
    void wake() {
        wake.offer(Boolean.TRUE);
    }

    /** Makes the supervisor check at once and, if the check fails, repair at once, skipping every wait. */
    void retryNow() {
        retryRequested.set(true);
        wake();
    }

    /** Whether a retry was asked for since the last call; clears it. */
    boolean takeRetryRequest() {
        return retryRequested.getAndSet(false);
    }

    /**
     * Waits until {@code delay} passed or {@link #wake()} was called.
     *
     * @return false when the thread was interrupted
     */
    boolean awaitNextCheck(Duration delay) {
        try {
            wake.poll(Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            wake.clear();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
