package io.netpilot.core;

/**
 * A subscription to tunnel events; closing it stops delivery. Closing twice does nothing, and
 * {@link #close()} throws nothing, so it fits a plain try-with-resources. Thread-safe.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Stops delivering later events to the listener; never throws. */
    @Override
    void close();
}
