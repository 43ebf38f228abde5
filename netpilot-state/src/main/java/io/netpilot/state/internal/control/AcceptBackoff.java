package io.netpilot.state.internal.control;

import java.time.Duration;

/**
 * How the control server's accept loop waits after a failed {@code accept()} (for example "Too many
 * open files"): 10 ms doubling to 1 s, reset by the next success, and a warning only for the first
 * failure of a run and then once every 100, so a storm of failures is a few log lines, not thousands.
 * Not thread-safe: the accept loop alone uses it.
 */
final class AcceptBackoff {
    static final Duration FIRST = Duration.ofMillis(10);
    static final Duration CAP = Duration.ofSeconds(1);
    static final int WARN_EVERY = 100;

    private int failures;
    private Duration delay = Duration.ZERO;

    /**
     * Records a failure.
     *
     * @return how long to wait before the next accept
     */
    Duration failed() {
        failures++;
        delay = delay.isZero() ? FIRST : min(delay.multipliedBy(2), CAP);
        return delay;
    }

    /** Whether the failure just recorded should be logged. */
    boolean shouldWarn() {
        return failures == 1 || failures % WARN_EVERY == 0;
    }

    /** How many failures in a row so far. */
    int failures() {
        return failures;
    }

    /** An accept worked: the next failure starts a new run. */
    void succeeded() {
        failures = 0;
        delay = Duration.ZERO;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
