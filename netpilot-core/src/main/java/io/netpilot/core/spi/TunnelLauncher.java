package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The router side of a tunnel: the router's own key pair, the supervisor script, its lease and its
 * files in the router's work dir. Stateless, thread-safe; every method works on the shell it is given
 * and throws {@link io.netpilot.core.RemoteCommandException} when a command fails.
 */
public interface TunnelLauncher {
    /**
     * Makes the router's key pair for the relay if it has none ({@code dropbearkey} or
     * {@code ssh-keygen}, on the router; the private key never leaves it).
     *
     * @return the router's public key in {@code authorized_keys} form
     */
    String ensureRouterKey(RemoteShell router);

    /**
     * Uploads the supervisor script (if this version is not there), pins the relay's host key,
     * writes the lease and starts the supervisor detached.
     *
     * @return the supervisor's pid
     */
    int launch(RemoteShell router, LaunchPlan plan);

    /** Extends the tunnel's lease to {@code ttl} from now by the router's clock. */
    void renewLease(RemoteShell router, CleanupToken token, Duration ttl);

    /** The router's view of the tunnel. */
    RouterTunnelStatus inspect(RemoteShell router, CleanupToken token);

    /** Asks the supervisor to stop (stop file); it ends itself and its children. */
    void requestStop(RemoteShell router, CleanupToken token);

    /** Deletes the tunnel's files, its plan included, from the work dir (after its processes are gone). */
    void removeFiles(RemoteShell router, CleanupToken token);

    /** The tokens that have files in the router's work dir. */
    List<CleanupToken> tokens(RemoteShell router);

    /**
     * What the tunnel {@code token} was launched with, as the router's work dir recorded it at
     * launch ({@code <token>.plan}), so that an agent that lost its state can take the tunnel back.
     *
     * @return the tunnel, or empty when the router has no plan for it or the plan is not valid
     *     (never trusted raw: every value is validated)
     */
    Optional<DiscoveredTunnel> describe(RemoteShell router, CleanupToken token);
}
