package io.netpilot.core;

/**
 * A {@link TunnelManager} that supervises its tunnels and can be told that the agent's network
 * changed. Made by {@link TunnelManagers#builder()}. Thread-safe.
 */
public interface SupervisedTunnelManager extends TunnelManager {
    /**
     * The agent's network changed (an interface came up, the address changed, the machine woke):
     * every supervised tunnel is probed now instead of at its next interval. Returns at once; never
     * throws.
     */
    void networkChanged();
}
