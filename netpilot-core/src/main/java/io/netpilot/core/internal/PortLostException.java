package io.netpilot.core.internal;

import io.netpilot.core.PortUnavailableException;

/**
 * A launched tunnel could not bind its relay port (someone else holds it): the caller falls back to
 * another port when it may.
 */
final class PortLostException extends PortUnavailableException {
    private static final long serialVersionUID = 1L;

    private final int port;

    PortLostException(int port, String message) {
        super(message);
        this.port = port;
    }

    int port() {
        return port;
    }
}
