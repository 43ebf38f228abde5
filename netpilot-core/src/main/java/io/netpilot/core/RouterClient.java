package io.netpilot.core;

/**
 * Which SSH client the router-side supervisor runs to hold the reverse tunnel. Immutable,
 * thread-safe.
 */
public enum RouterClient {
    /** {@code autossh} when the router has it and {@code ssh}, else {@code ssh}, else dropbear's {@code dbclient}. */
    AUTO,
    /** {@code autossh -M 0} around OpenSSH's {@code ssh}. */
    AUTOSSH,
    /** OpenSSH's {@code ssh}, restarted by the supervisor with its own backoff. */
    SSH,
    /** Dropbear's {@code dbclient}, restarted by the supervisor with its own backoff. */
    DBCLIENT
}
