package io.netpilot.ssh.tunnel;

/** Which SSH client the router-side supervisor runs. Immutable, thread-safe. */
public enum ClientKind {
    /** {@code autossh} when the router has it and {@code ssh}, else {@code ssh}, else dropbear's {@code dbclient}. */
    AUTO("auto"),
    /** {@code autossh -M 0} around OpenSSH's {@code ssh}. */
    AUTOSSH("autossh"),
    /** OpenSSH's {@code ssh}, restarted by the supervisor with its own backoff. */
    SSH("ssh"),
    /** Dropbear's {@code dbclient}, restarted by the supervisor with its own backoff. */
    DBCLIENT("dbclient");

    private final String hint;

    ClientKind(String hint) {
        this.hint = hint;
    }

    /** The word the supervisor script takes as its client argument. */
    public String hint() {
        return hint;
    }
}
