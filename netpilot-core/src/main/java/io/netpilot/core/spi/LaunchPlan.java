package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Forward;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.SshAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the router-side supervisor is started with.
 *
 * @param token names the tunnel's processes and files
 * @param forward the reverse forward, {@code -R 127.0.0.1:REMOTE:127.0.0.1:TARGET}
 * @param relay where the router's client logs in: the relay's tunnel account
 * @param relayHostKey the relay's public key in {@code authorized_keys} form, pinned on the router
 * @param leaseTtl how long the tunnel lives without a renewal
 * @param otherRelayHostKeys the relay's other host keys (a stock relay has ed25519, ecdsa and rsa),
 *     pinned on the router too: dbclient picks its own algorithm and hangs on a key it does not know
 */
public record LaunchPlan(CleanupToken token, Forward forward, SshAddress relay, String relayHostKey, Duration leaseTtl,
        List<String> otherRelayHostKeys) {
    /** A plan that pins only {@code relayHostKey}. */
    public LaunchPlan(CleanupToken token, Forward forward, SshAddress relay, String relayHostKey, Duration leaseTtl) {
        this(token, forward, relay, relayHostKey, leaseTtl, List.of());
    }

    public LaunchPlan {
        otherRelayHostKeys = List.copyOf(Objects.requireNonNull(otherRelayHostKeys, "otherRelayHostKeys"));
        for (String key : otherRelayHostKeys) {
            if (!key.matches("[a-z0-9-]+(@[a-z0-9.-]+)? [A-Za-z0-9+/=]+")) {
                throw new InvalidInputException("relay host keys must be 'TYPE BASE64', got something else");
            }
        }
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(relayHostKey, "relayHostKey");
        if (!relayHostKey.matches("[a-z0-9-]+(@[a-z0-9.-]+)? [A-Za-z0-9+/=]+")) {
            throw new InvalidInputException("relay host key must be 'TYPE BASE64', got something else");
        }
        if (token.port() != forward.remotePort()) {
            throw new InvalidInputException("token " + token + " does not name relay port " + forward.remotePort());
        }
        Objects.requireNonNull(leaseTtl, "leaseTtl");
    }

    /** Every relay host key to pin on the router, the negotiated one first. */
    public List<String> relayHostKeys() {
        List<String> all = new java.util.ArrayList<>(List.of(relayHostKey));
        otherRelayHostKeys.stream().filter(k -> !all.contains(k)).forEach(all::add);
        return List.copyOf(all);
    }
}
