package io.netpilot.core;

/**
 * A subscription to a {@link TunnelManager}'s events, returned by
 * {@link TunnelManager#subscribe(TunnelEventListener)}. Closing it unsubscribes: the listener gets
 * the events already queued for it, then no more. Closing twice does nothing. Thread-safe.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Unsubscribes; never throws. */
    @Override
    void close();
}
