package io.netpilot.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Everything {@link TunnelManager#connect} needs. Start from {@link #of(String, String)} and change
 * what differs with the {@code with...} methods; each returns a new request. The key files among the
 * credentials are remembered in the spec ({@link TunnelSpec#keys()}, set here from the credentials), so
 * a restart restores the tunnel with them; a password never is. Immutable, thread-safe.
 *
 * @param spec the tunnel
 * @param routerCredentials how to log in to the router the first time
 * @param relayCredentials how the agent logs in to the relay
 * @param hostKeyPolicy whether unknown host keys may be pinned now
 */
public record ConnectRequest(
        TunnelSpec spec, Credentials routerCredentials, Credentials relayCredentials, HostKeyPolicy hostKeyPolicy) {
    /**
     * Checks that every part is given.
     *
     * @throws NullPointerException when a value is missing
     */
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

    /**
     * A tunnel that exposes the router's own SSH server (the port of {@code router}) on a port of the
     * relay's default range, logging in to both with the agent's key, the relay's routers using the
     * relay user's account, pinned host keys only, and the default lease.
     *
     * @param router the router, {@code user@host[:port]}
     * @param relay the relay, {@code user@host[:port]}
     * @return the request
     * @throws InvalidInputException when an address is malformed
     */
    public static ConnectRequest of(String router, String relay) {
        return of(SshAddress.parse(router), SshAddress.parse(relay));
    }

    /**
     * As {@link #of(String, String)}, from parsed addresses.
     *
     * @param router the router
     * @param relay the relay
     * @return the request
     */
    public static ConnectRequest of(SshAddress router, SshAddress relay) {
        TunnelSpec spec = TunnelSpec.of(RouterEndpoint.of(router), RelayEndpoint.of(relay), router.port());
        return new ConnectRequest(spec, Credentials.AGENT_KEY, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY);
    }

    /**
     * The same request exposing another router-side port (the tunnel's id follows it).
     *
     * @param port the router-side TCP port
     * @return the new request
     * @throws InvalidInputException when it is not a port
     */
    public ConnectRequest withTargetPort(int port) {
        TunnelSpec s = spec;
        return withSpec(new TunnelSpec(TunnelId.derive(s.router().address(), port, s.relay().address()), s.router(), s.relay(),
                port, s.portRange(), s.requestedPort(), s.leaseTtl()));
    }

    /**
     * The same request choosing its relay port from {@code range}.
     *
     * @param range the relay ports to choose from
     * @return the new request
     */
    public ConnectRequest withPortRange(PortRange range) {
        TunnelSpec s = spec;
        return withSpec(new TunnelSpec(s.id(), s.router(), s.relay(), s.targetPort(), range, s.requestedPort(), s.leaseTtl()));
    }

    /**
     * The same request asking for exactly this relay port.
     *
     * @param port the relay port
     * @return the new request
     * @throws InvalidInputException when it is not a port
     */
    public ConnectRequest withPort(int port) {
        TunnelSpec s = spec;
        return withSpec(new TunnelSpec(s.id(), s.router(), s.relay(), s.targetPort(), s.portRange(), OptionalInt.of(port), s.leaseTtl()));
    }

    /**
     * The same request with another lease: how long the router keeps the tunnel without the agent.
     *
     * @param ttl from 5 s to 1 day
     * @return the new request
     * @throws InvalidInputException when it is out of range
     */
    public ConnectRequest withLeaseTtl(Duration ttl) {
        TunnelSpec s = spec;
        return withSpec(new TunnelSpec(s.id(), s.router(), s.relay(), s.targetPort(), s.portRange(), s.requestedPort(), ttl));
    }

    /**
     * The same request with routers logging in to the relay as {@code user} (the relay's tunnel account).
     *
     * @param user the account
     * @return the new request
     * @throws InvalidInputException when it is not a valid user name
     */
    public ConnectRequest withTunnelUser(String user) {
        TunnelSpec s = spec;
        RelayEndpoint relay = new RelayEndpoint(s.relay().address(), user, s.relay().pinnedHostKey());
        return withSpec(new TunnelSpec(s.id(), s.router(), relay, s.targetPort(), s.portRange(), s.requestedPort(), s.leaseTtl()));
    }

    /**
     * The same request logging in to the router with this private key file instead of the agent's key.
     *
     * @param keyFile an unencrypted OpenSSH private key
     * @return the new request
     */
    public ConnectRequest withRouterKey(Path keyFile) {
        return new ConnectRequest(spec, new Credentials.KeyFile(keyFile), relayCredentials, hostKeyPolicy);
    }

    /**
     * The same request logging in to the relay with this private key file instead of the agent's key.
     *
     * @param keyFile an unencrypted OpenSSH private key
     * @return the new request
     */
    public ConnectRequest withRelayKey(Path keyFile) {
        return new ConnectRequest(spec, routerCredentials, new Credentials.KeyFile(keyFile), hostKeyPolicy);
    }

    /**
     * The same request pinning host keys seen for the first time ({@link HostKeyPolicy#ACCEPT_NEW}); a
     * changed key is still refused.
     *
     * @return the new request
     */
    public ConnectRequest acceptingNewHostKeys() {
        return new ConnectRequest(spec, routerCredentials, relayCredentials, HostKeyPolicy.ACCEPT_NEW);
    }

    private ConnectRequest withSpec(TunnelSpec newSpec) {
        return new ConnectRequest(newSpec, routerCredentials, relayCredentials, hostKeyPolicy);
    }
}
