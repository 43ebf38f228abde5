package io.netpilot.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The private key files a tunnel was connected with ({@code --router-key}, {@code --relay-key}),
 * remembered as absolute paths (never the keys themselves, never a password) so that restore,
 * rediscovery and cleanup log in the way the tunnel was made. An empty side means the agent's own
 * key ({@code id_ed25519} in the NetPilot home). Immutable.
 *
 * @param router the key file for the router, if one was given
 * @param relay the key file for the relay, if one was given
 */
public record LoginKeys(Optional<Path> router, Optional<Path> relay) {
    /** Both sides log in with the agent's own key. */
    public static final LoginKeys AGENT_KEY = new LoginKeys(Optional.empty(), Optional.empty());

    /** @throws InvalidInputException when a path is not absolute (a remembered path must not depend on a working directory) */
    public LoginKeys {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(relay, "relay");
        router.ifPresent(p -> requireAbsolute("router key file", p));
        relay.ifPresent(p -> requireAbsolute("relay key file", p));
    }

    private static void requireAbsolute(String what, Path p) {
        if (!p.isAbsolute()) {
            throw new InvalidInputException(what + " must be an absolute path, not " + Checks.printable(p.toString()));
        }
    }

    /**
     * What to remember of a connect's credentials: the paths of key files, made absolute; nothing of the
     * agent's key or of a password (a password is used once to install the agent's key).
     */
    public static LoginKeys of(Credentials router, Credentials relay) {
        return new LoginKeys(path(router), path(relay));
    }

    private static Optional<Path> path(Credentials c) {
        return c instanceof Credentials.KeyFile(Path p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
    }

    /** How to log in to the router: the remembered key file, else the agent's key. */
    public Credentials routerCredentials() {
        return router.<Credentials>map(Credentials.KeyFile::new).orElse(Credentials.AGENT_KEY);
    }

    /** How to log in to the relay: the remembered key file, else the agent's key. */
    public Credentials relayCredentials() {
        return relay.<Credentials>map(Credentials.KeyFile::new).orElse(Credentials.AGENT_KEY);
    }
}
