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

    /**
     * Takes back the tunnels a router still runs that the state does not know, for example after a
     * corrupt {@code tunnel-state.json} was set aside: lists the router's tokens and, for each one no
     * wanted tunnel holds, reads what it was launched with. A described tunnel is wanted again (saved
     * with its token and port) and restored as {@link #restore()} does: adopted when its processes
     * run and the probe passes, else relaunched on the same port, then supervised. A token that
     * cannot be described, or that duplicates a tunnel already wanted, is stopped and its files
     * removed. A token made for another address of the router is left alone and reported as an
     * orphan with that reason. The router is opened with {@code credentials} and only its pinned host key; the relay
     * with the agent's key.
     *
     * @return what was taken back and what was stopped
     * @throws RouterUnreachableException when the router cannot be reached
     * @throws NetPilotException when the router refused the login ({@link HostKeyUnknownException},
     *     {@link HostKeyMismatchException}, {@link AuthenticationFailedException}); nothing was changed
     */
    RediscoveryReport rediscover(RouterEndpoint router, Credentials credentials);
}
