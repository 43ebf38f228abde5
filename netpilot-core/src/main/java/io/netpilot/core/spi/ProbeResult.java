package io.netpilot.core.spi;

import java.time.Duration;
import java.util.Objects;

/** How an end-to-end probe through the relay ended. */
public sealed interface ProbeResult {
    /** The router's SSH server answered through the tunnel. */
    record Reached(String banner, Duration roundTrip) implements ProbeResult {
        public Reached {
            Objects.requireNonNull(banner, "banner");
            Objects.requireNonNull(roundTrip, "roundTrip");
        }
    }

    /** Nothing answered, or not an SSH server; {@code reason} says what was seen. */
    record Unreached(String reason) implements ProbeResult {
        public Unreached {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
