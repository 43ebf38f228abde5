package io.netpilot.core;

import java.util.List;

/**
 * A running NetPilot agent as its callers see it: either the agent in this process
 * ({@link NetPilot}) or one in another process that this one is attached to through the home's
 * control channel ({@link NetPilotBuilder#attach()}). The CLI and the desktop talk to either through this
 * interface, so "start or attach" needs no other code. Implementations are thread-safe.
 */
public interface Agent extends AutoCloseable {
    /**
     * Connects a tunnel and keeps it up; see {@link TunnelManager#connect}. Over the control channel
     * only {@link Credentials#AGENT_KEY} and {@link Credentials.KeyFile} travel; a password is refused.
     *
     * @param request the tunnel and how to log in
     * @return the tunnel, up
     * @throws InvalidInputException for a bad request (or a password sent to another process)
     * @throws NetPilotException (or a subclass naming the step) when a step failed; nothing is left started
     */
    TunnelSnapshot connect(ConnectRequest request);

    /**
     * Stops a tunnel for good: its router processes, relay authorization and port; it is forgotten.
     *
     * @param id the tunnel
     * @return what was stopped
     * @throws TunnelNotFoundException when no such tunnel is wanted
     */
    CleanupReport disconnect(TunnelId id);

    /**
     * Retry now: checks the tunnel at once and, if the check fails, repairs it at once, skipping the
     * backoff, the ride-out window and an open circuit breaker; see {@link TunnelManager#retry}.
     * Returns at once; the outcome arrives as events and in {@link #tunnels()}.
     *
     * @param id the tunnel
     * @throws TunnelNotFoundException when no such tunnel is supervised
     * @throws NetPilotException when an attached agent went away
     */
    void retry(TunnelId id);

    /**
     * Every wanted tunnel now, in its current state.
     *
     * @return the tunnels; empty when none is wanted
     * @throws NetPilotException when an attached agent went away
     */
    List<TunnelSnapshot> tunnels();

    /**
     * Delivers every later {@link TunnelEvent} to {@code listener} until the subscription is closed
     * (or, when attached, until the other agent stops). Listeners must not block.
     *
     * @param listener receives events on a NetPilot thread
     * @return the handle that unsubscribes
     * @throws NetPilotException when an attached agent cannot be reached
     */
    Subscription subscribe(TunnelEventListener listener);

    /**
     * Whether this agent runs in another process (attached through the control channel): then
     * closing it leaves that agent and its tunnels running.
     *
     * @return true when attached to another process's agent
     */
    boolean attached();

    /**
     * Lets go of the agent. For the agent in this process this is its ordered shutdown (see
     * {@link NetPilot#close()}); for an attached one it only closes the connection.
     */
    @Override
    void close();
}
