package io.netpilot.core;

/**
 * A command on a router or relay failed, timed out or produced more output than allowed.
 */
public class RemoteCommandException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public RemoteCommandException(String message) {
        super(message);
    }

    public RemoteCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
