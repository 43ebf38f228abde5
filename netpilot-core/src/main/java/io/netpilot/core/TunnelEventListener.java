package io.netpilot.core;

/**
 * Receives tunnel events. Called on an event thread of the manager, never on a thread that holds a
 * tunnel's lock; a slow listener delays only its own later events, never the manager.
 */
@FunctionalInterface
public interface TunnelEventListener {
    void onEvent(TunnelEvent event);
}
