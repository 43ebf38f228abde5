package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import java.util.Objects;

/**
 * How revoking a router's relay key ended. Only {@link Revoked} means nothing of the tunnel is left
 * on the relay; the other two say what is left, so {@code disconnect} can exit non-zero and the
 * agent can keep the revocation pending and retry it.
 */
public sealed interface RevocationResult {
    /** The token whose revocation this is. */
    CleanupToken token();

    /** Whether the key line is gone and no session of the token runs. */
    default boolean isComplete() {
        return this instanceof Revoked;
    }

    /**
     * The key line is gone and no session of the token runs.
     *
     * @param portStillListening whether something else (another token's session, or a session that
     *     never ran its forced command) still listens on the token's port; its lease must not be handed
     *     to another router until that ends
     */
    record Revoked(CleanupToken token, boolean portStillListening) implements RevocationResult {
        public Revoked {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * The key line is gone (the router cannot log in again), but its live session could not be ended:
     * {@code reason} says why (usually: the agent's relay account may not signal the tunnel account's
     * processes and the session did not end by itself). Retry later.
     */
    record SessionLeft(CleanupToken token, String reason) implements RevocationResult {
        public SessionLeft {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Nothing is known to be done (the relay was unreachable, or its edit failed); retry later. */
    record Failed(CleanupToken token, String reason) implements RevocationResult {
        public Failed {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
