package io.netpilot.core.internal;

import io.netpilot.core.Credentials;
import io.netpilot.core.LoginKeys;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterId;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the manager logs in for a tunnel it did not connect in this run (restore, rediscovery, cleanup,
 * disconnect from the state): with the key files the tunnel was connected with, remembered in its
 * spec ({@link TunnelSpec#keys()}), and in the router's history for when the tunnel's own record is
 * lost. Before, every such login used the agent's key, so a tunnel made with {@code --relay-key}
 * could never come back. Stateless, thread-safe.
 */
final class StoredLogin {
    private static final Logger LOG = LoggerFactory.getLogger(StoredLogin.class);

    private StoredLogin() {}

    /**
     * FAILED with a reason when a key file the tunnel was connected with is gone or unreadable, so it is
     * not retried in vain (the router ends its processes when their lease lapses); empty when all are there.
     */
    static Optional<TunnelState> missingKey(TunnelSpec spec) {
        return missing("router", "--router-key", spec.keys().router()).or(() -> missing("relay", "--relay-key", spec.keys().relay()))
                .map(why -> new TunnelState.Failed(why + "; put it back and restart the agent, or connect " + spec.id()
                        + " again with another key"));
    }

    private static Optional<String> missing(String side, String option, Optional<Path> key) {
        return key.filter(k -> !Files.isRegularFile(k) || !Files.isReadable(k))
                .map(k -> "the " + side + " key file " + k + " this tunnel was connected with (" + option + ") is missing or unreadable");
    }

    /** {@code after} remembering {@code spec}'s key files when it records a success, else as it is. */
    static RouterConnection remember(RouterConnection before, RouterConnection after, TunnelSpec spec) {
        return after.successes() > before.successes() ? after.withKeys(spec.keys()) : after;
    }

    /**
     * A tunnel rebuilt from a router (its record was lost) with the key files to use: the router's as
     * given to the rediscovery, the relay's from the router's history; a remembered file that is gone
     * is not used (the agent's key is tried instead, and the failure, if any, is reported as usual).
     */
    static TunnelRecord withRememberedKeys(TunnelRecord rec, StateStore store, Credentials routerCredentials) {
        RouterId router = rec.spec().router().id();
        LoginKeys remembered = store.routerConnections().stream().filter(c -> c.router().equals(router))
                .map(RouterConnection::keys).findFirst().orElse(LoginKeys.AGENT_KEY);
        Optional<Path> relayKey = remembered.relay().filter(k -> {
            boolean there = Files.isReadable(k);
            if (!there) {
                LOG.warn("the relay key file {} remembered for router {} is gone; rediscovery tries the agent's key", k,
                        rec.spec().router().address());
            }
            return there;
        });
        LoginKeys keys = new LoginKeys(LoginKeys.of(routerCredentials, Credentials.AGENT_KEY).router(), relayKey);
        return new TunnelRecord(rec.spec().withKeys(keys), rec.port(), rec.token(), rec.state(), rec.established(), rec.lastHeartbeat());
    }
}
