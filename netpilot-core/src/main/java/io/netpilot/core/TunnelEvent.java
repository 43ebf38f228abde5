package io.netpilot.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a tunnel. The CLI ({@code watch}), the desktop app and embedding apps
 * subscribe to the stream of these; match with a {@code switch}.
 */
public sealed interface TunnelEvent {
    TunnelId tunnel();

    Instant at();

    /** The tunnel moved from one state to another. */
    record StateChanged(TunnelId tunnel, Instant at, TunnelState from, TunnelState to) implements TunnelEvent {
        public StateChanged {
            Objects.requireNonNull(tunnel, "tunnel");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** An end-to-end probe succeeded; {@code metrics} are the tunnel's measurements with it. */
    record Metrics(TunnelId tunnel, Instant at, int port, Duration roundTrip, TunnelMetrics metrics) implements TunnelEvent {
        public Metrics {
            Objects.requireNonNull(tunnel, "tunnel");
            Objects.requireNonNull(at, "at");
            Checks.port("port", port);
            Objects.requireNonNull(roundTrip, "roundTrip");
            Objects.requireNonNull(metrics, "metrics");
        }

        /** A probe's time with nothing else measured. */
        public Metrics(TunnelId tunnel, Instant at, int port, Duration roundTrip) {
            this(tunnel, at, port, roundTrip, new TunnelMetrics(Optional.of(roundTrip), Optional.of(roundTrip),
                    Optional.of(roundTrip), 0, 0, Optional.empty(), at, 0));
        }
    }

    /** The tunnel moved to another relay port (its old one was lost), or got its first one. */
    record PortChanged(TunnelId tunnel, Instant at, int oldPort, int newPort, String why) implements TunnelEvent {
        public PortChanged {
            Objects.requireNonNull(tunnel, "tunnel");
            Objects.requireNonNull(at, "at");
            if (oldPort != 0) {
                Checks.port("old port", oldPort);
            }
            Checks.port("new port", newPort);
            Objects.requireNonNull(why, "why");
        }
    }

    /** Something failed; the tunnel's state says whether it recovers. */
    record Error(TunnelId tunnel, Instant at, String message) implements TunnelEvent {
        public Error {
            Objects.requireNonNull(tunnel, "tunnel");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(message, "message");
        }
    }
}
