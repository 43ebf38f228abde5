package io.netpilot.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A relay authorization that {@code disconnect} could not take back completely: the router's key line
 * or its live relay session may still be there. The agent keeps it in its state, retries it at start,
 * on {@code cleanup} and every few minutes, and forgets it only once the relay says nothing of the
 * tunnel is left. Immutable.
 *
 * @param spec the disconnected tunnel's spec: the relay to log in to (with its remembered key file) and
 *     the router identity that owns the port's lease
 * @param token the token whose key line and session are to go
 * @param reason what the last attempt left, for {@code status} and logs
 * @param since when the first attempt failed
 */
public record PendingRevocation(TunnelSpec spec, CleanupToken token, String reason, Instant since) {
    /** @throws NullPointerException when a value is missing */
    public PendingRevocation {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
    }

    /** The same revocation after another failed attempt that left {@code newReason}. */
    public PendingRevocation withReason(String newReason) {
        return new PendingRevocation(spec, token, newReason, since);
    }

    /** For logs and {@code status}: the token, relay port, relay and what is left. */
    @Override
    public String toString() {
        return token + " on relay " + spec.relay().address() + " port " + token.port() + ": " + reason;
    }
}
