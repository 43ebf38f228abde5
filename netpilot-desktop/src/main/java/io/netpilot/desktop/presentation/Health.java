package io.netpilot.desktop.presentation;

import io.netpilot.core.TunnelState;
import java.util.Collection;

/**
 * How a tunnel is doing, as one colour and icon: what the table's state column and the tray icon show.
 * Ordered from best to worst, so the tray shows the worst of all tunnels.
 */
public enum Health {
    /** No tunnels, or only stopped ones. */
    IDLE,
    /** Carrying traffic. */
    GOOD,
    /** Coming up, restoring, recovering or slow: wait and see. */
    PENDING,
    /** Down with a reason (unreachable, failed). */
    BAD;

    /**
     * The health of a tunnel in {@code state}.
     *
     * @param state its state
     * @param restoring whether the app is still restoring it after start
     * @return its health
     */
    public static Health of(TunnelState state, boolean restoring) {
        if (restoring) {
            return PENDING;
        }
        return switch (state) {
            case TunnelState.Up u -> GOOD;
            case TunnelState.Degraded d -> PENDING;
            case TunnelState.Connecting c -> PENDING;
            case TunnelState.Recovering r -> PENDING;
            case TunnelState.Stopping s -> PENDING;
            case TunnelState.Stopped s -> IDLE;
            case TunnelState.RouterUnreachable r -> BAD;
            case TunnelState.RelayUnreachable r -> BAD;
            case TunnelState.Failed f -> BAD;
        };
    }

    /** The worst of {@code all}: what the tray icon's colour sums up; {@link #IDLE} for none. */
    public static Health worst(Collection<Health> all) {
        return all.stream().max(Enum::compareTo).orElse(IDLE);
    }
}
