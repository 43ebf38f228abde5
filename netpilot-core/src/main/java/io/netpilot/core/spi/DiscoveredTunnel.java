package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Forward;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.SshAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What a router's work dir says a tunnel was launched with ({@code <token>.plan}), read back by
 * {@link TunnelLauncher#describe} after the agent lost its own state. Every part went through core's
 * validating records, so nothing here is trusted raw. The relay's host key is not part of it: the
 * agent checks the relay against its own {@code known_hosts}. Immutable, thread-safe.
 *
 * @param token names the tunnel's processes and files
 * @param forward the reverse forward, {@code -R 127.0.0.1:REMOTE:127.0.0.1:TARGET}
 * @param relay where the router's client logs in: the relay's tunnel account
 * @param leaseTtl the lease the tunnel was launched with
 */
public record DiscoveredTunnel(CleanupToken token, Forward forward, SshAddress relay, Duration leaseTtl) {
    /** @throws InvalidInputException when the token names another port than the forward, or the lease is not positive */
    public DiscoveredTunnel {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (token.port() != forward.remotePort()) {
            throw new InvalidInputException("token " + token + " does not name relay port " + forward.remotePort());
        }
        if (!leaseTtl.isPositive()) {
            throw new InvalidInputException("lease TTL must be positive, not " + leaseTtl);
        }
    }
}
