package io.netpilot.core;

/**
 * A state file could not be read or written safely. Files that fail to parse are quarantined, never deleted.
 */
public class StateCorruptException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public StateCorruptException(String message) {
        super(message);
    }

    public StateCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
