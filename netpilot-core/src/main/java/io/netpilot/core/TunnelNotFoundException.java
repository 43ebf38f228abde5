package io.netpilot.core;

/**
 * No wanted tunnel matches the given id or router.
 */
public class TunnelNotFoundException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    public TunnelNotFoundException(String message) {
        super(message);
    }
}
