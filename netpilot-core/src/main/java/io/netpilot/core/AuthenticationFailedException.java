package io.netpilot.core;

/**
 * A host refused every credential offered.
 */
public class AuthenticationFailedException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public AuthenticationFailedException(String message) {
        super(message);
    }
}
