package io.netpilot.core.spi;

import io.netpilot.core.HostKeyFingerprint;
import java.time.Duration;

/**
 * Proves that a relay port reaches one particular router: through the agent's session to the relay it
 * connects to the relay's {@code 127.0.0.1:port}, completes the SSH key exchange with whatever answers
 * and compares the host key it proves to hold with the router's pinned key. Costs the router a key
 * exchange (real CPU on a small router), so call it when a tunnel is (re)established or adopted and
 * every few minutes, and keep {@link EndToEndProbe} for frequent liveness. Thread-safe.
 */
public interface IdentityProbe {
    /**
     * Checks {@code port} through {@code relay} within {@code timeout}. A tunnel that does not answer,
     * answers with something that is not SSH, or answers with another host key, is a
     * {@link ProbeResult.Unreached} whose reason says which; only the pinned key gives
     * {@link ProbeResult.Reached}.
     *
     * @throws io.netpilot.core.HostUnreachableException when the relay session itself is lost
     */
    ProbeResult verify(RemoteShell relay, int port, HostKeyFingerprint pinnedRouterKey, Duration timeout);
}
