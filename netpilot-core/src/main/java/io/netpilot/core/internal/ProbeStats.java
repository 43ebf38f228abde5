package io.netpilot.core.internal;

import io.netpilot.core.TunnelMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one tunnel's probes measured: round-trip times (last, min, smoothed), the loss over the last
 * {@link TunnelMetrics#WINDOW} probes, since when they pass without a break, and how often the
 * tunnel came back after it was down. Thread-safe (synchronized; cheap).
 */
final class ProbeStats {
    /** The weight of a new sample in the smoothed RTT, as TCP's SRTT (RFC 6298). */
    private static final double ALPHA = 1.0 / 8;

    private final boolean[] lost = new boolean[TunnelMetrics.WINDOW];
    private int count;
    private int next;
    private Duration last;
    private Duration min;
    private double smoothedNanos = -1;
    private Instant upSince;
    private boolean down;
    private int reconnects;

    /** A probe passed at {@code now} in {@code rtt}. */
    synchronized void passed(Instant now, Duration rtt) {
        sample(false);
        last = rtt;
        min = min == null || rtt.compareTo(min) < 0 ? rtt : min;
        long nanos = rtt.toNanos();
        smoothedNanos = smoothedNanos < 0 ? nanos : smoothedNanos + ALPHA * (nanos - smoothedNanos);
        if (upSince == null) {
            upSince = now;
        }
        if (down) {
            down = false;
            reconnects++;
        }
    }

    /** A probe failed. */
    synchronized void failed() {
        sample(true);
        upSince = null;
    }

    /** The tunnel was declared down (repairs began): the next passing probe counts as a reconnect. */
    synchronized void wentDown() {
        down = true;
        upSince = null;
    }

    /** It was launched anew (not its first launch): a reconnect, and its uptime starts at {@code now}. */
    synchronized void relaunched(Instant now, Duration rtt) {
        down = true;
        upSince = null;
        passed(now, rtt);
    }

    /** The smoothed round trip, once a probe passed. */
    synchronized Optional<Duration> smoothedRtt() {
        return smoothedNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(smoothedNanos)));
    }

    synchronized TunnelMetrics metrics(Instant lastChange) {
        int lostCount = 0;
        for (int i = 0; i < count; i++) {
            lostCount += lost[i] ? 1 : 0;
        }
        return new TunnelMetrics(Optional.ofNullable(last), Optional.ofNullable(min), smoothedRtt(), count, lostCount,
                Optional.ofNullable(upSince), lastChange, reconnects);
    }

    private void sample(boolean failed) {
        lost[next] = failed;
        next = (next + 1) % lost.length;
        count = Math.min(count + 1, lost.length);
    }
}
