package io.netpilot.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How well one tunnel has been carrying traffic, as its supervision measured it with the end-to-end
 * probe. Carried by {@link TunnelSnapshot#metrics()} and {@link TunnelEvent.Metrics}.
 *
 * @param rttLast the last passing probe's round-trip time
 * @param rttMin the shortest round-trip time since the agent started supervising it
 * @param rttSmoothed the smoothed round-trip time (weight 1/8 to each new sample, as TCP's SRTT)
 * @param probesInWindow how many of the last probes the loss is taken over (at most {@link #WINDOW})
 * @param probesLost how many of those failed
 * @param upSince since when probes have passed without a break; empty while they fail
 * @param lastChange when its state last changed
 * @param reconnects how often it came back after it was down (relaunched, or reconnected by its router)
 */
public record TunnelMetrics(
        Optional<Duration> rttLast,
        Optional<Duration> rttMin,
        Optional<Duration> rttSmoothed,
        int probesInWindow,
        int probesLost,
        Optional<Instant> upSince,
        Instant lastChange,
        int reconnects) {
    /** The number of most recent probes the loss is measured over. */
    public static final int WINDOW = 20;

    public TunnelMetrics {
        Objects.requireNonNull(rttLast, "rttLast");
        Objects.requireNonNull(rttMin, "rttMin");
        Objects.requireNonNull(rttSmoothed, "rttSmoothed");
        Objects.requireNonNull(upSince, "upSince");
        Objects.requireNonNull(lastChange, "lastChange");
        if (probesInWindow < 0 || probesInWindow > WINDOW || probesLost < 0 || probesLost > probesInWindow || reconnects < 0) {
            throw new InvalidInputException("probe counts out of range: " + probesLost + " of " + probesInWindow
                    + " lost, " + reconnects + " reconnects");
        }
    }

    /** Nothing measured yet: the state last changed at {@code since}. */
    public static TunnelMetrics none(Instant since) {
        return new TunnelMetrics(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), since, 0);
    }

    /** The share of the window's probes that failed, from 0 to 1 (0 with no probes yet). */
    public double loss() {
        return probesInWindow == 0 ? 0 : (double) probesLost / probesInWindow;
    }

    /** How long probes have passed without a break, at {@code now}; empty while they fail. */
    public Optional<Duration> uptime(Instant now) {
        return upSince.map(s -> nonNegative(Duration.between(s, now)));
    }

    /** How long ago its state last changed, at {@code now}. */
    public Duration sinceLastChange(Instant now) {
        return nonNegative(Duration.between(lastChange, now));
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
