package io.netpilot.core.internal;

import io.netpilot.core.NetPilotException;

/**
 * A launch whose router-side supervisor runs, but whose end-to-end probe has not passed within the
 * wait: typically the router cannot reach the relay yet. The supervisor retries by itself, so the
 * launch is kept and supervision goes on checking it cheaply.
 */
final class NotAnsweringYetException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    NotAnsweringYetException(String message) {
        super(message);
    }
}
