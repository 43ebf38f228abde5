package io.netpilot.core;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a user asked for: a tunnel from a router's {@code targetPort} to a relay, with the relay
 * port chosen from {@code portRange} (or exactly {@code requestedPort} when given).
 *
 * @param id the tunnel's id
 * @param router the router
 * @param relay the relay
 * @param targetPort the router-side port, usually 22
 * @param portRange where the relay port may be chosen
 * @param requestedPort a relay port the user insisted on
 * @param leaseTtl how long the router keeps the tunnel without a renewal from the agent
 * @param keys the key files the tunnel was connected with, so that it comes back with them
 */
public record TunnelSpec(
        TunnelId id,
        RouterEndpoint router,
        RelayEndpoint relay,
        int targetPort,
        PortRange portRange,
        OptionalInt requestedPort,
        Duration leaseTtl,
        LoginKeys keys) {
    /** The lease used when none is given: long enough to ride out an agent restart. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofMinutes(2);
    /** The shortest lease accepted; shorter ones would lapse between two renewals. */
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(5);

    /** @throws InvalidInputException when a port is out of range or the lease is too short or too long */
    public TunnelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(relay, "relay");
        Checks.port("target port", targetPort);
        Objects.requireNonNull(portRange, "portRange");
        Objects.requireNonNull(requestedPort, "requestedPort");
        requestedPort.ifPresent(p -> Checks.port("requested relay port", p));
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (leaseTtl.compareTo(MIN_LEASE_TTL) < 0 || leaseTtl.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidInputException("lease TTL must be between 5s and 1 day, not " + leaseTtl);
        }
        Objects.requireNonNull(keys, "keys");
    }

    /** A spec whose tunnel logs in with the agent's own key on both sides. */
    public TunnelSpec(TunnelId id, RouterEndpoint router, RelayEndpoint relay, int targetPort, PortRange portRange,
            OptionalInt requestedPort, Duration leaseTtl) {
        this(id, router, relay, targetPort, portRange, requestedPort, leaseTtl, LoginKeys.AGENT_KEY);
    }

    /** This spec with {@code newKeys} remembered. */
    public TunnelSpec withKeys(LoginKeys newKeys) {
        return new TunnelSpec(id, router, relay, targetPort, portRange, requestedPort, leaseTtl, newKeys);
    }

    /** A spec with the derived id, the default range and lease, and no requested port. */
    public static TunnelSpec of(RouterEndpoint router, RelayEndpoint relay, int targetPort) {
        return new TunnelSpec(TunnelId.derive(router.address(), targetPort, relay.address()),
                router, relay, targetPort, PortRange.DEFAULT, OptionalInt.empty(), DEFAULT_LEASE_TTL);
    }

    /** For logs: {@code t1a2b3c: root@router:22 port 22 to relay tunnel@relay:22 (relay port in 20000-20999, lease PT2M)}. */
    @Override
    public String toString() {
        return id + ": " + router + " port " + targetPort + " to relay " + relay + " (relay port "
                + (requestedPort.isPresent() ? String.valueOf(requestedPort.getAsInt()) : "in " + portRange) + ", lease " + leaseTtl + ")";
    }
}
