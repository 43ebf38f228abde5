package io.netpilot.core.spi;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.SshAddress;

/**
 * Opens {@link RemoteShell}s. Host keys are checked against the pinned ones; {@code policy} says
 * whether an unknown key may be pinned now. Thread-safe.
 */
public interface ShellConnector {
    /**
     * Logs in to {@code address}.
     *
     * @throws io.netpilot.core.HostKeyMismatchException when the host's key changed
     * @throws io.netpilot.core.HostKeyUnknownException when it is unknown and the policy says no
     * @throws io.netpilot.core.AuthenticationFailedException when the credentials are refused
     * @throws io.netpilot.core.HostUnreachableException when the host cannot be reached in time
     */
    RemoteShell open(SshAddress address, Credentials credentials, HostKeyPolicy policy);
}
