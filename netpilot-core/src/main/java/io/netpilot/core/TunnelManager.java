package io.netpilot.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The agent: brings tunnels up, keeps them up, and takes them down, so that no router is left with a
 * tunnel nobody wants. Every change is persisted through the {@link StateStore} before it is
 * reported, and emitted as a {@link TunnelEvent}. Each wanted tunnel is supervised: probed,
 * its router lease renewed, and repaired when it stops answering. Made by
 * {@link TunnelManagers#builder()}. Implementations are thread-safe.
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

    /**
     * Subscribes to every later event. Each listener is called on its own event thread, in the order
     * the events happened.
     *
     * @return the handle whose {@link Subscription#close()} unsubscribes (and throws nothing)
     */
    Subscription subscribe(TunnelEventListener listener);

    /**
     * The agent's network changed (an interface came up, the address changed, the machine woke):
     * every supervised tunnel is probed now instead of at its next interval. Returns at once; never
     * throws.
     */
    void networkChanged();

    /**
     * Retry now: the tunnel is checked at once and, when the check fails, repaired at once, skipping
     * the backoff, the ride-out window and its router's open circuit breaker. Returns at once; the
     * outcome arrives as events and in {@link #tunnel(TunnelId)}. A {@link #disconnect} meanwhile
     * cancels the repair.
     *
     * @param id the tunnel
     * @throws TunnelNotFoundException when no such tunnel is supervised
     */
    void retry(TunnelId id);

    /**
     * Takes back the tunnels a router still runs that the state does not know, for example after a
     * corrupt {@code tunnel-state.json} was set aside: lists the router's tokens and, for each one no
     * wanted tunnel holds, reads what it was launched with. A described tunnel is wanted again (saved
     * with its token and port) and restored as {@link #restore()} does: adopted when its processes
     * run and the probe passes, else relaunched on the same port, then supervised. A token that
     * cannot be described, or that duplicates a tunnel already wanted, is stopped and its files
     * removed. A token made for another address of the router is left alone and reported as an
     * orphan with that reason. The router is opened with {@code credentials} and only its pinned
     * host key; the relay with the agent's key.
     *
     * @return what was taken back and what was stopped
     * @throws RouterUnreachableException when the router cannot be reached
     * @throws HostKeyUnknownException when the router's host key is not pinned; nothing was changed
     * @throws HostKeyMismatchException when the router's host key changed; nothing was changed
     * @throws AuthenticationFailedException when the router refused the login; nothing was changed
     */
    RediscoveryReport rediscover(RouterEndpoint router, Credentials credentials);

    /** Stops supervising and closes sessions; does not stop router processes ({@link #cleanup} does). */
    @Override
    void close();
}
