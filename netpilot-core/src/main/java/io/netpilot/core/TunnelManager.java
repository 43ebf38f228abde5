package io.netpilot.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The agent: brings tunnels up, keeps them up, and takes them down, so that no router is left with a
 * tunnel nobody wants. Every change is persisted through the {@link StateStore} before it is
 * reported, and emitted as a {@link TunnelEvent}. Implementations are thread-safe.
 */
public interface TunnelManager extends AutoCloseable {
    /**
     * Validates, allocates a relay port, authorizes the router on the relay, launches the router-side
     * supervisor, waits for the end-to-end probe, persists the wanted tunnel and starts supervising
     * it. Connecting a tunnel that is already wanted returns its snapshot. A failure undoes what this
     * call started.
     *
     * @return the tunnel, {@link TunnelState.Up}
     * @throws InvalidInputException for a bad request
     * @throws NetPilotException when a step failed ({@link HostKeyMismatchException},
     *     {@link HostKeyUnknownException}, {@link AuthenticationFailedException},
     *     {@link RouterUnreachableException}, {@link RelayUnreachableException},
     *     {@link PortUnavailableException}); nothing is left started
     */
    TunnelSnapshot connect(ConnectRequest request);

    /**
     * Stops the tunnel's router processes, removes its relay authorization, releases its port and
     * forgets it.
     *
     * @throws TunnelNotFoundException when no such tunnel is wanted
     */
    CleanupReport disconnect(TunnelId id);

    /**
     * Agent exit: stops every wanted tunnel's router processes, read from persisted state (not from
     * memory), in parallel and within {@code bound}. The tunnels stay wanted, so the next
     * {@link #restore()} brings them back; what could not be reached is left to its lease.
     */
    CleanupReport cleanup(Duration bound);

    /**
     * Cleans a router with no state at all: stops every NetPilot tunnel found there by token (or only
     * the one on {@code port}), and token-less SSH clients whose {@code -R} names {@code port}.
     */
    CleanupReport forceCleanup(RouterEndpoint router, Credentials credentials, OptionalInt port);

    /**
     * Agent start: for every wanted tunnel, adopts it when its processes, lease and probe are healthy,
     * otherwise relaunches it on the same port, falling back only when that port is truly lost.
     *
     * @return the tunnels after restoring, each in its state
     */
    List<TunnelSnapshot> restore();

    /** Every wanted tunnel now. */
    List<TunnelSnapshot> tunnels();

    Optional<TunnelSnapshot> tunnel(TunnelId id);

    /** Subscribes to every later event; closing the returned handle unsubscribes. */
    AutoCloseable subscribe(TunnelEventListener listener);

    /** Stops supervising and closes sessions; does not stop router processes ({@link #cleanup} does). */
    @Override
    void close();
}
