package io.netpilot.core;

/**
 * A host offered a key that is not pinned yet, and the caller did not agree to trust new keys.
 */
public class HostKeyUnknownException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String fingerprint;

    public HostKeyUnknownException(String host, String fingerprint) {
        super("host key of " + host + " is not known yet (" + fingerprint
                + "). Check the fingerprint with the host's owner, then connect again with --accept-new-host-keys.");
        this.host = host;
        this.fingerprint = fingerprint;
    }

    public String host() {
        return host;
    }

    public String fingerprint() {
        return fingerprint;
    }
}
