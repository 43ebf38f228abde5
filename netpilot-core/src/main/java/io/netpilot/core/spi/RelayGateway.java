package io.netpilot.core.spi;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import java.util.List;
import java.util.Set;

/**
 * The relay's tunnel account: which router keys may bind which port, and the sessions they hold.
 * Works through a shell logged in as the agent's relay account: on the layout of
 * {@code docs/relay-setup.md} a separate account that owns the tunnel account's keys file, on the
 * earlier layout the tunnel account itself. Stateless, thread-safe; methods throw
 * {@link io.netpilot.core.RemoteCommandException} when a command fails, except
 * {@link #revokeTunnel}, whose result says what is left.
 */
public interface RelayGateway {
    /**
     * Authorizes {@code routerPublicKey} to bind {@code 127.0.0.1:<token's port>} and nothing else
     * ({@code restrict,port-forwarding,permitlisten=...,permitopen=<a dead port>,command=...} with an idle
     * forced command that carries the token). Idempotent per token. The line is not tagged with an
     * agent, so no sweep removes it: prefer {@link #authorize(RemoteShell, String, CleanupToken, AgentId)}.
     */
    void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token);

    /**
     * Removes the authorization lines of {@code token}; absent lines are not an error. Does not end a live
     * session: {@link #revokeTunnel} does both and says what is left.
     */
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

    /**
     * Authorizes {@code routerPublicKey} as {@link #authorize(RemoteShell, String, CleanupToken)} does,
     * tagging its line and session marker with {@code agent} so that {@link #sweep} of that agent
     * may remove them and other agents' sweeps never do.
     *
     * @throws UnsupportedOperationException when this gateway cannot tag lines
     */
    default void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token, AgentId agent) {
        throw new UnsupportedOperationException(getClass().getName() + " does not tag router keys with agents");
    }

    /**
     * Removes the key line of {@code token} and ends its relay session, waiting until the session is
     * gone. Never throws for a relay problem: the result says what is left.
     */
    default RevocationResult revokeTunnel(RemoteShell relay, CleanupToken token) {
        throw new UnsupportedOperationException(getClass().getName() + " does not report revocations");
    }

    /**
     * Removes the key lines, session markers (ending their sessions) and port leases that
     * {@code agent} made and that no tunnel in {@code wanted} owns; everything tagged with another
     * agent, or with none, is left alone.
     *
     * @throws io.netpilot.core.RemoteCommandException when the relay command fails
     * @throws UnsupportedOperationException when this gateway cannot tag lines
     */
    default SweepReport sweep(RemoteShell relay, AgentId agent, Set<CleanupToken> wanted) {
        throw new UnsupportedOperationException(getClass().getName() + " does not sweep");
    }
}
