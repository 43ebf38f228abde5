package io.netpilot.core;

/**
 * The root of every failure NetPilot reports. Unchecked: each subclass is a failure a caller can act
 * on, and every message says what happened and what to do next, in words a technician can follow.
 */
public class NetPilotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetPilotException(String message) {
        super(message);
    }

    public NetPilotException(String message, Throwable cause) {
        super(message, cause);
    }
}
