package io.netpilot.core.spi;

import java.time.Duration;

/**
 * Proves a tunnel end to end: through the agent's session to the relay, it opens a connection to
 * the relay's {@code 127.0.0.1:port} and reads the router's {@code SSH-2.0-} banner. Thread-safe.
 */
public interface EndToEndProbe {
    /**
     * Probes {@code port} through {@code relay} within {@code timeout}. A tunnel that does not answer
     * is a result, not an exception.
     *
     * @throws io.netpilot.core.HostUnreachableException when the relay session itself is lost
     */
    ProbeResult probe(RemoteShell relay, int port, Duration timeout);
}
