package io.netpilot.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A wanted tunnel as persisted in {@code tunnel-state.json}: what was asked for and what the agent
 * last knew of it. It stays while the tunnel is wanted, across agent exits, so the next start
 * restores it; {@code disconnect} removes it.
 *
 * @param spec what was asked for
 * @param port the relay port the tunnel holds, once one was allocated
 * @param token the cleanup token of the router-side processes, once launched
 * @param state the last state the agent saw
 * @param established when the tunnel last came up
 * @param lastHeartbeat when a probe last succeeded
 */
public record TunnelRecord(
        TunnelSpec spec,
        OptionalInt port,
        Optional<CleanupToken> token,
        TunnelState state,
        Optional<Instant> established,
        Optional<Instant> lastHeartbeat) {
    /** @throws InvalidInputException when the token names another port than the record */
    public TunnelRecord {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(port, "port");
        port.ifPresent(p -> Checks.port("tunnel port", p));
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(established, "established");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        if (token.isPresent() && (port.isEmpty() || token.get().port() != port.getAsInt())) {
            throw new InvalidInputException("cleanup token " + token.get() + " does not name the tunnel's port " + port);
        }
    }

    /** A newly requested tunnel, not yet allocated or launched. */
    public static TunnelRecord requested(TunnelSpec spec) {
        return new TunnelRecord(spec, OptionalInt.empty(), Optional.empty(), TunnelState.CONNECTING, Optional.empty(), Optional.empty());
    }

    public TunnelId id() {
        return spec.id();
    }

    public TunnelRecord withState(TunnelState newState) {
        return new TunnelRecord(spec, port, token, newState, established, lastHeartbeat);
    }

    public TunnelRecord withLaunch(int newPort, CleanupToken newToken) {
        return new TunnelRecord(spec, OptionalInt.of(newPort), Optional.of(newToken), state, established, lastHeartbeat);
    }

    public TunnelRecord withEstablished(Instant when) {
        return new TunnelRecord(spec, port, token, state, Optional.of(when), Optional.of(when));
    }

    public TunnelRecord withHeartbeat(Instant when) {
        return new TunnelRecord(spec, port, token, state, established, Optional.of(when));
    }
}
