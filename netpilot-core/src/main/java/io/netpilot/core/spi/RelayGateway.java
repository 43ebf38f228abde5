package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import java.util.List;

/**
 * The relay's tunnel account: which router keys may bind which port, and the sessions they hold.
 * Works through a shell logged in as the tunnel account. Stateless, thread-safe; methods throw
 * {@link io.netpilot.core.RemoteCommandException} when a command fails.
 */
public interface RelayGateway {
    /**
     * Authorizes {@code routerPublicKey} to bind {@code 127.0.0.1:<token's port>} and nothing else
     * ({@code restrict,port-forwarding,permitlisten=...,command=...} with an idle forced command that
     * carries the token). Idempotent per token.
     */
    void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token);

    /** Removes the authorization lines of {@code token}; absent lines are not an error. */
    void revoke(RemoteShell relay, CleanupToken token);

    /** The tokens whose forced-command processes run on the relay (one per live router session). */
    List<CleanupToken> liveSessions(RemoteShell relay);

    /**
     * Ends the relay session of {@code token} (the {@code sshd: user@notty} parent of its forced
     * command), which frees its port at once.
     *
     * @return whether a session was found and ended
     */
    boolean endSession(RemoteShell relay, CleanupToken token);

    /** Whether something listens on the relay's {@code 127.0.0.1:port}. */
    boolean isListening(RemoteShell relay, int port);
}
