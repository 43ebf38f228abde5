package io.netpilot.core;

/**
 * A host could not be reached over the network (refused, timed out, no route, unknown name).
 */
public class HostUnreachableException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public HostUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    public HostUnreachableException(String message) {
        super(message);
    }
}
