package io.netpilot.core;

/**
 * No relay port could be had: the requested one is taken, or the whole range is.
 */
public class PortUnavailableException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public PortUnavailableException(String message) {
        super(message);
    }
}
