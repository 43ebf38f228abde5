package io.netpilot.core;

/**
 * A host presented another key than the one pinned for it: possibly an attack, possibly a reinstalled host. Never accepted automatically.
 */
public class HostKeyMismatchException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String expected;
    private final String actual;

    public HostKeyMismatchException(String host, String expected, String actual) {
        super("host key of " + host + " has CHANGED: pinned " + expected + ", offered " + actual
                + ". If the host was reinstalled, remove its line from known_hosts and connect again with --accept-new-host-keys; otherwise do not connect.");
        this.host = host;
        this.expected = expected;
        this.actual = actual;
    }

    public String host() {
        return host;
    }

    /** The pinned fingerprint. */
    public String expected() {
        return expected;
    }

    /** The fingerprint the host offered. */
    public String actual() {
        return actual;
    }
}
