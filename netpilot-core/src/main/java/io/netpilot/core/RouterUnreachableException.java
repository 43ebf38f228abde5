package io.netpilot.core;

/**
 * The router could not be reached.
 */
public class RouterUnreachableException extends HostUnreachableException {
    private static final long serialVersionUID = 1L;

    public RouterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
