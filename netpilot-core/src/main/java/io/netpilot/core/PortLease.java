package io.netpilot.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A relay port held for one router, as recorded on the relay ({@code <lease dir>/<PORT>}) and in
 * {@code port-allocations.json}.
 *
 * @param relay the relay the port is on ({@link SshAddress#hostAndPort()})
 * @param port the relay port
 * @param router the router it is held for
 * @param leasedAt when it was first allocated
 */
public record PortLease(String relay, int port, RouterId router, Instant leasedAt) {
    public PortLease {
        Objects.requireNonNull(relay, "relay");
        Checks.port("leased port", port);
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(leasedAt, "leasedAt");
    }
}
