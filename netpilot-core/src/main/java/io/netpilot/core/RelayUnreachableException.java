package io.netpilot.core;

/**
 * The relay could not be reached.
 */
public class RelayUnreachableException extends HostUnreachableException {
    private static final long serialVersionUID = 1L;

    public RelayUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
