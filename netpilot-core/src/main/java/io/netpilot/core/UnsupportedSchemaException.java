package io.netpilot.core;

/**
 * A state file was written by a newer NetPilot; it is left untouched rather than overwritten.
 */
public class UnsupportedSchemaException extends StateCorruptException {
    private static final long serialVersionUID = 1L;

    public UnsupportedSchemaException(String message) {
        super(message);
    }
}
