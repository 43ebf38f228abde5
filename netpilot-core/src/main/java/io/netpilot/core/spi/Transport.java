package io.netpilot.core.spi;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.SshAddress;

/**
 * One started SSH side of an agent: the connector every session goes through and the tunnel
 * plumbing that works over those sessions. Made by a {@link TransportService}. Thread-safe; closing
 * it closes every session it opened.
 */
public interface Transport extends AutoCloseable {
    /**
     * The connector sessions are opened with.
     *
     * @return the shared connector
     */
    ShellConnector connector();

    /**
     * The router-side supervisor launcher.
     *
     * @return the launcher
     */
    TunnelLauncher launcher();

    /**
     * The relay's tunnel account.
     *
     * @return the gateway
     */
    RelayGateway relayGateway();

    /**
     * Relay port leases.
     *
     * @return the allocator
     */
    PortAllocator portAllocator();

    /**
     * The end-to-end probe.
     *
     * @return the probe
     */
    EndToEndProbe probe();

    /**
     * The identity probe: a key exchange through a relay port, compared with a router's pinned key.
     *
     * @return the probe
     */
    IdentityProbe identityProbe();

    /**
     * Process control on routers.
     *
     * @return the controller
     */
    RemoteProcessController processes();

    /**
     * The agent's public key in {@code authorized_keys} form, made now when the home has none: what a
     * relay or router must accept for {@link Credentials#AGENT_KEY} logins.
     *
     * @return {@code TYPE BASE64 COMMENT}
     * @throws io.netpilot.core.NetPilotException when the key cannot be read or made
     */
    String agentPublicKey();

    /**
     * Logs in to a router with a password once and installs the agent's public key there, so that
     * later logins (and restores) need no password.
     *
     * @param router the router
     * @param password used for this login only; not cleared
     * @param policy whether an unknown host key may be pinned now
     * @throws io.netpilot.core.NetPilotException (or a subclass naming the step) when the login or the install failed
     */
    void installAgentKey(SshAddress router, Credentials.Password password, HostKeyPolicy policy);

    /** Closes every session and stops the client; never throws. */
    @Override
    void close();
}
