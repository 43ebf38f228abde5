package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the router says of one tunnel: read from its files in the work dir and from {@code ps}.
 *
 * @param token the tunnel
 * @param supervisorPid the supervisor's pid when it is running
 * @param leaseRemaining how long until the lease lapses (by the router's clock); zero or negative when lapsed
 * @param logTail the last lines of the tunnel's log, for diagnosis
 */
public record RouterTunnelStatus(CleanupToken token, OptionalInt supervisorPid, Duration leaseRemaining, String logTail) {
    public RouterTunnelStatus {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(supervisorPid, "supervisorPid");
        Objects.requireNonNull(leaseRemaining, "leaseRemaining");
        Objects.requireNonNull(logTail, "logTail");
    }

    /** Whether the supervisor runs and its lease has not lapsed. */
    public boolean alive() {
        return supervisorPid.isPresent() && leaseRemaining.isPositive();
    }
}
