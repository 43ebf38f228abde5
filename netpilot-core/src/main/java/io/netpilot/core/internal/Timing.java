package io.netpilot.core.internal;

import java.util.concurrent.TimeUnit;

/** Milliseconds elapsed, for the debug log of where a connect spends its time (never for waiting). Stateless. */
final class Timing {
    private Timing() {}

    /** Milliseconds since {@code t0}, a {@link System#nanoTime()}. */
    static long since(long t0) {
        return between(t0, System.nanoTime());
    }

    /** Milliseconds from {@code t0} to {@code t1}, both {@link System#nanoTime()}s. */
    static long between(long t0, long t1) {
        return TimeUnit.NANOSECONDS.toMillis(t1 - t0);
    }
}
