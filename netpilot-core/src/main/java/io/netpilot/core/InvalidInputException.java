package io.netpilot.core;

/**
 * A value given by a user, a file or a remote host is not valid: nothing was done with it.
 */
public class InvalidInputException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
