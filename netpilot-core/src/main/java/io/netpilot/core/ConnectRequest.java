package io.netpilot.core;

import java.util.Objects;

/**
 * Everything {@link TunnelManager#connect} needs. The key files among the credentials are remembered in
 * the spec ({@link TunnelSpec#keys()}, set here from the credentials), so a restart restores the tunnel
 * with them; a password never is.
 *
 * @param spec the tunnel
 * @param routerCredentials how to log in to the router the first time
 * @param relayCredentials how the agent logs in to the relay
 * @param hostKeyPolicy whether unknown host keys may be pinned now
 */
public record ConnectRequest(
        TunnelSpec spec, Credentials routerCredentials, Credentials relayCredentials, HostKeyPolicy hostKeyPolicy) {
    public ConnectRequest {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(routerCredentials, "routerCredentials");
        Objects.requireNonNull(relayCredentials, "relayCredentials");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        spec = spec.withKeys(LoginKeys.of(routerCredentials, relayCredentials));
    }

    /**
     * For logs: the tunnel, and how each host is logged in to. A password is never printed, only that
     * there is one; a key file by its path.
     */
    @Override
    public String toString() {
        return "connect " + spec + ", router login " + login(routerCredentials) + ", relay login " + login(relayCredentials)
                + ", host keys " + hostKeyPolicy;
    }

    private static String login(Credentials credentials) {
        return switch (credentials) {
            case Credentials.AgentKey k -> "agent key";
            case Credentials.KeyFile k -> "key " + k.path();
            case Credentials.Password p -> "password ****";
        };
    }
}
