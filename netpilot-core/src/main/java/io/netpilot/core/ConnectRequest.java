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
}
